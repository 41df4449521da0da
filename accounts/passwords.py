from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class RoleMinimumLengthValidator(MinimumLengthValidator):
    """At least ``min_length`` characters (8) for everyone, ``staff_min_length`` (12) for staff.

    One validator, so the hint shown under every password field (sign-up, change, reset) states
    the citizens' rule only: a citizen is never told about the staff rule. A staff member who
    types fewer than 12 characters is told the staff rule when the password is refused.
    """

    def __init__(self, min_length: int = 8, staff_min_length: int = 12) -> None:
        super().__init__(min_length=min_length)
        self.staff_min_length = staff_min_length

    def validate(self, password: str, user=None) -> None:
        if user is not None and getattr(user, "is_staff", False) and len(password) < self.staff_min_length:
            raise ValidationError(
                _("Mật khẩu của cán bộ phải có ít nhất %(n)d ký tự.") % {"n": self.staff_min_length},
                code="staff_password_too_short",
            )
        super().validate(password, user)


# The name the settings used before both rules lived in one validator.
StaffMinimumLengthValidator = RoleMinimumLengthValidator
