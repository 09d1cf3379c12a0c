"""Two-factor sign-in for administrators (等保三级: 管理员采用两种以上鉴别技术).

An administrator (whoever may manage staff, and superusers) signs in with the password and then a
six-digit code from an authenticator app (TOTP, RFC 6238; django-otp's TOTP device). On the first
sign-in the administrator binds an app by scanning a QR code drawn by the platform itself (segno,
no image from elsewhere). Until the code is given, every page but these two and logout is closed.
settings.ADMIN_TWO_FACTOR turns it on (on in production; MINZHENG_ADMIN_2FA).
"""

import io

import segno
from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Capability


def needs_second_factor(user) -> bool:
    return bool(
        settings.ADMIN_TWO_FACTOR and user.is_authenticated and (user.is_superuser or user.can(Capability.MANAGE_STAFF))
    )


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_verified(request) -> bool:
    """Whether this session gave a valid code from one of the user's confirmed devices."""
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    device = confirmed_device(request.user)
    return bool(persistent_id and device is not None and device.persistent_id == persistent_id)


def pending_device(user) -> TOTPDevice:
    """The device being bound (not yet confirmed): kept across reloads so the QR code stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgclass="otp-qr")
    return buffer.getvalue().decode()


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for an app that cannot scan."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
