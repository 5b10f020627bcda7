"""The client's address behind our proxies: only what our own proxies appended is believed,
for the access log, the public form's rate limit and the sign-in lockout alike."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from core.client_address import client_ip

PROXY = "172.16.0.1"


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    "proxies, remote, forwarded, expected",
    [
        # No proxy of ours: the header is the client's own words, ignored.
        (0, "198.51.100.7", "203.0.113.5", "198.51.100.7"),
        (0, "198.51.100.7", None, "198.51.100.7"),
        # One proxy: it appended the address it saw; whatever came before is the client's.
        (1, PROXY, "198.51.100.7", "198.51.100.7"),
        (1, PROXY, "203.0.113.66, 198.51.100.7", "198.51.100.7"),
        (1, PROXY, "not-an-address, 198.51.100.7", "198.51.100.7"),
        # Two proxies: the outer one's peer is second from the right.
        (2, PROXY, "203.0.113.66, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        # A header shorter than the chain did not come through every proxy.
        (2, PROXY, "198.51.100.7", PROXY),
        (1, PROXY, None, PROXY),
        (1, PROXY, "", PROXY),
        # The address a proxy appended is not an address: nothing to believe but the peer.
        (1, PROXY, "198.51.100.7, garbage", PROXY),
        # IPv6, written as the database stores it.
        (1, PROXY, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_address_our_proxies_appended(
    settings, proxies, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request_from(remote, forwarded)) == expected


def test_a_request_with_no_usable_address_gives_none(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("")) is None


def test_behind_a_proxy_by_default_one_proxy_is_trusted():
    # BEHIND_PROXY is off in tests; the default follows it.
    assert settings.TRUSTED_PROXY_COUNT == 0


@pytest.mark.django_db
def test_a_spoofed_header_does_not_spread_wrong_passwords_over_many_addresses(
    client, officer, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    real = "198.51.100.7"
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "officer", "password": "wrong guess"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}, {real}",
        )
    locked = client.post(
        reverse("login"),
        {"username": "officer", "password": "correct-horse-battery-staple"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"203.0.113.200, {real}",
    )
    assert "Sign-in locked for now" in locked.content.decode()
    # The same username from another real address is not locked by those attempts.
    elsewhere = client.post(
        reverse("login"),
        {"username": "officer", "password": "correct-horse-battery-staple"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert elsewhere.status_code == 302
