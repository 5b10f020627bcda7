"""Optional two-factor sign-in with a time-based one-time password (TOTP, django-otp).

Anyone may enrol on /accounts/two-factor/ (an authenticator app scans the QR code, or the
secret is typed in). With OTP_REQUIRED_FOR_MANAGERS on, complaints managers and
administrators — who can see every case, the access log and the subject access export — must
enrol and then give a code once per session before any other page opens.
"""

from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.roles import ADMINISTRATOR, MANAGER, has_role

TWO_FACTOR_ROLES = (MANAGER, ADMINISTRATOR)
WRONG_CODE = "That code is not right. Check the app and enter the newest code"
# django-otp slows guessing: after each wrong code the next try must wait, doubling each time.
TOO_MANY = "Too many wrong codes. Wait a minute, then enter the newest code from the app"


def two_factor_required(user) -> bool:
    return settings.OTP_REQUIRED_FOR_MANAGERS and has_role(user, *TWO_FACTOR_ROLES)


def _confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class TwoFactorRequiredMiddleware:
    """Sends a manager or administrator who has not given a code this session to enrol or
    verify, before any other page (sign-in, sign-out and these pages excepted)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and two_factor_required(user)
            and not user.is_verified()
            and not self._exempt(request.path)
        ):
            target = "two_factor_verify" if _confirmed_device(user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        exempt = (
            reverse("login"),
            reverse("logout"),
            reverse("two_factor_setup"),
            reverse("two_factor_verify"),
            settings.STATIC_URL,
        )
        return path.startswith(exempt)


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="6 digits, for example 123456",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError("Enter the code as 6 digits, for example 123456")
        return token


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
def setup(request):
    """Enrol: a new secret (shown as a QR code and as text) confirmed by one code from it."""
    device = _confirmed_device(request.user)
    if device is not None:
        return render(request, "registration/two_factor_enrolled.html", {"device": device})
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("token", TOO_MANY)
        elif device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            return redirect(_next_url(request))
        else:
            form.add_error("token", WRONG_CODE)
    # The standard otpauth:// URI, labelled with OTP_TOTP_ISSUER, that authenticator apps read.
    uri = device.config_url
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, title="QR code"),
            "secret": _grouped(device.bin_key),
            "next": _next_url(request),
        },
    )


@login_required
def verify(request):
    """Give a code at sign-in (once per session)."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolled = _confirmed_device(request.user)
        if enrolled is not None and not enrolled.verify_is_allowed()[0]:
            form.add_error("token", TOO_MANY)
        elif (device := match_token(request.user, form.cleaned_data["token"])) is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        else:
            form.add_error("token", WRONG_CODE)
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


def _grouped(key: bytes) -> str:
    """The secret as text in groups of four, for typing into an app without a camera."""
    secret = b32encode(key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
