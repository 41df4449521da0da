from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class StaffMinimumLengthValidator:
    """Citizens need 8 characters (Django's validator); staff accounts need at least 12."""

    def __init__(self, min_length: int = 12) -> None:
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if user is not None and getattr(user, "is_staff", False) and len(password) < self.min_length:
            raise ValidationError(
                _("Mật khẩu của cán bộ phải có ít nhất %(n)d ký tự.") % {"n": self.min_length}, code="staff_password_too_short"
            )

    def get_help_text(self) -> str:
        return _("Tài khoản cán bộ cần mật khẩu ít nhất %(n)d ký tự.") % {"n": self.min_length}
