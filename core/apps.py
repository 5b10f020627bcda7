from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared plumbing that knows nothing of the domain: the NHS.UK template tags, saving a
    record with its history reason, a capped paginator, PDF rendering, PostgreSQL-only
    indexes for migrations, and the client's address behind our proxies. Every app may use
    it; it uses none of them."""

    name = "core"
    verbose_name = "Shared plumbing"
