from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
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


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with the cost the settings name (OWASP's Password Storage Cheat Sheet by default:
    19 MiB, 2 passes, 1 lane), instead of Django's 100 MiB and 8 lanes.

    Why not Django's: each sign-in, right or wrong, held 100 MiB and 0.2 s of CPU. Twenty sign-ins
    at once (a worker's threads, or anyone posting passwords in parallel) held 2 GB, and under the
    500-user load the first minute's sign-ins took a sixth of both cores. OWASP's configuration
    costs about 22 ms and 19 MiB. An operator who wants more sets PASSWORD_ARGON2_MEMORY_KIB,
    PASSWORD_ARGON2_TIME_COST and PASSWORD_ARGON2_PARALLELISM.

    The algorithm's name stays ``argon2``: every stored hash carries its own parameters and still
    verifies, and a hash made with other parameters is remade at the person's next sign-in
    (``must_update``), in either direction.
    """

    @property
    def memory_cost(self) -> int:  # KiB
        return settings.PASSWORD_ARGON2_MEMORY_KIB

    @property
    def time_cost(self) -> int:
        return settings.PASSWORD_ARGON2_TIME_COST

    @property
    def parallelism(self) -> int:
        return settings.PASSWORD_ARGON2_PARALLELISM
