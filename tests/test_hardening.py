"""Deployment settings, headers, sign-in lockout, session expiry and two-factor sign-in."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

BASE_DIR = Path(settings.BASE_DIR)
PASSWORD = "correct-horse-battery-staple"


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "k9$Vq2!mXw7#pL4zR8@tN1&yB6^cF3*hJ5%dG0(sA-eU=oI+rE",
        "ALLOWED_HOSTS": "pals.example.nhs.uk",
    }
    # Set by the browser tests' conftest for this test process only; never in deployment.
    for name in ("TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_script(officer_client):
    response = officer_client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for template in (BASE_DIR / "templates").rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{template.name}: {tag}")
        offenders += [f"{template.name}: {m}" for m in re.findall(r"\son\w+\s*=", text)]
        offenders += [f"{template.name}: javascript: URL" for _ in re.findall("javascript:", text)]
    assert not offenders, "Inline script is refused by the CSP:\n" + "\n".join(offenders)


def test_no_stylesheet_loads_anything_from_another_site():
    # The CSP allows styles, fonts and images from the site itself only: a stylesheet that
    # asks for another site's font is refused in every browser, on every page, with an error.
    offenders = [
        f"{css.relative_to(BASE_DIR)}: {url}"
        for css in (BASE_DIR / "static").rglob("*.css")
        for url in re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)", css.read_text())
    ]
    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_sign_in_with_a_plain_page(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page = client.post(reverse("login"), {"username": "officer", "password": "wrong guess"})
        assert "Please enter a correct username and password" in page.content.decode()
    # The attempt that reaches the limit is the last one answered as a wrong password.
    client.post(reverse("login"), {"username": "officer", "password": "wrong guess"})
    locked = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    body = locked.content.decode()
    assert locked.status_code in (403, 429)
    assert "Sign-in locked for now" in body
    assert "30 minutes" in body
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_correct_password_before_the_limit_signs_in_and_resets_the_count(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": "officer", "password": "wrong guess"})
    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": "officer", "password": "wrong guess"})
    assert (
        client.post(reverse("login"), {"username": "officer", "password": PASSWORD}).status_code
        == 302
    )


@pytest.mark.django_db
def test_the_session_expires_after_inactivity_not_after_sign_in(officer_client):
    assert settings.SESSION_SAVE_EVERY_REQUEST
    first = officer_client.get(reverse("home"))
    assert first.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE == 30 * 60
    # Each request sets the cookie again, so the 30 minutes run from the last request.
    assert officer_client.get(reverse("case_list")).cookies["sessionid"]["max-age"] == 1800


@pytest.mark.django_db
def test_two_factor_is_off_by_default_for_managers(client, manager):
    client.force_login(manager)
    assert client.get(reverse("deadlines_at_risk")).status_code == 200


def _code(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.mark.django_db
def test_managers_must_enrol_and_give_a_code_when_two_factor_is_required(
    client, manager, officer, settings
):
    settings.OTP_REQUIRED_FOR_MANAGERS = True
    client.force_login(manager)
    response = client.get(reverse("deadlines_at_risk"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))

    setup = client.get(response["Location"])
    body = setup.content.decode()
    assert "<svg" in body  # the QR code
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    secret = setup.context["secret"]
    assert secret.replace(" ", "") in device.config_url

    wrong = client.post(
        response["Location"], {"token": "000000" if _code(device) != "000000" else "111111"}
    )
    assert "That code is not right" in wrong.content.decode()
    # Straight after a wrong code, django-otp makes the next try wait.
    throttled = client.post(response["Location"], {"token": _code(device)})
    assert "Too many wrong codes. Wait a minute" in throttled.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # as after the wait
    done = client.post(
        response["Location"], {"token": _code(device), "next": reverse("deadlines_at_risk")}
    )
    assert done["Location"] == reverse("deadlines_at_risk")
    assert client.get(reverse("deadlines_at_risk")).status_code == 200

    # Next session: the code is asked for again.
    client.logout()
    client.force_login(manager)
    again = client.get(reverse("case_list"))
    assert again["Location"].startswith(reverse("two_factor_verify"))
    device.refresh_from_db()
    device.last_t = -1  # a new code period, as after the 30 seconds a person would wait
    device.save()
    verified = client.post(again["Location"], {"token": _code(device)})
    assert verified.status_code == 302
    assert client.get(reverse("case_list")).status_code == 200

    # Officers are not asked.
    client.force_login(officer)
    assert client.get(reverse("case_list")).status_code == 200


@pytest.mark.django_db
def test_a_code_in_the_wrong_format_is_explained(client, manager, settings):
    settings.OTP_REQUIRED_FOR_MANAGERS = True
    client.force_login(manager)
    page = client.post(reverse("two_factor_setup"), {"token": "12ab"})
    assert "Enter the code as 6 digits, for example 123456" in page.content.decode()


@pytest.mark.django_db
def test_signing_in_without_a_request_still_works_for_tests_and_scripts(client, officer):
    assert client.login(username="officer", password=PASSWORD)
    assert not client.login(username="officer", password="wrong guess")
