"""PDF rendering with WeasyPrint: letters, referral packs and reports share it.

Templates are ordinary Django templates producing a full HTML document (see
templates/pdf/base_letter.html). No network is touched: `url_fetcher` refuses anything that
is not a data: URL, so a template can never make the server fetch a remote resource.
"""

from typing import Any

from django.template.loader import render_to_string


def _no_network(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"PDF rendering does not fetch external resources ({url[:60]})")


def html_to_pdf(html: str) -> bytes:
    """Render a complete HTML document to PDF bytes."""
    from weasyprint import HTML  # imported late: it loads Pango, which `manage.py` rarely needs

    return HTML(string=html, url_fetcher=_no_network).write_pdf()


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
