from __future__ import annotations

from allauth.account import forms as allauth_forms
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from notifications.constants import Preference
from notifications.models import ContactPreference

from . import units
from .adapter import VietnamPhoneField
from .constants import Sex
from .validators import normalize_vn_phone, validate_personal_id, validate_tax_code

LOCKED_OUT = _(
    "Đã nhập sai mật khẩu quá nhiều lần. Để bảo vệ tài khoản, đăng nhập bằng mật khẩu tạm khóa trong "
    "%(minutes)d phút. Bạn có thể đăng nhập ngay bằng mã gửi qua SMS, hoặc đặt lại mật khẩu."
)


class LoginForm(allauth_forms.LoginForm):
    """allauth's sign-in form, reading a phone number the way people type it: ``0987 654 321``,
    ``0987654321``, ``+84 987 654 321``, ``84987654321``, with dots or dashes. allauth passes the
    typed text as it is, and only ``+84987654321`` matched the stored number."""

    def clean_login(self) -> str:
        login = super().clean_login()
        if "@" not in login:
            try:
                return normalize_vn_phone(login)
            except ValidationError:
                pass  # not a mobile number: allauth's own message ("… not correct") follows
        return login

    def clean(self):
        try:
            return super().clean()
        except ValidationError as exc:
            if getattr(exc, "code", None) == "too_many_login_attempts":
                raise ValidationError(
                    LOCKED_OUT, code="too_many_login_attempts", params={"minutes": _lockout_minutes()}
                ) from exc
            raise


def _lockout_minutes() -> int:
    """The longest window of the ``login_failed`` rate limits, in minutes (5 with the portal's settings)."""
    from allauth.core.internal.ratelimit import parse_rates

    rates = parse_rates(settings.ACCOUNT_RATE_LIMITS.get("login_failed"))
    return max((int(r.duration) // 60 for r in rates), default=5) or 1


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    """allauth's "send me a code" form; with both fields empty it went on to send a code to nobody (a 500)."""

    _user = None

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("phone") and not cleaned.get("email"):
            raise ValidationError(
                _("Nhập số điện thoại di động (hoặc email) đã đăng ký để nhận mã đăng nhập."), code="required"
            )
        return cleaned


def _province_field(label, required: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=required, choices=[("", _("— Chọn tỉnh, thành phố —")), *units.provinces()]
    )


def _commune_field(label, required: bool = False) -> forms.CharField:
    # Choices depend on the province: validated in clean_address().
    return forms.CharField(
        label=label,
        required=required,
        max_length=10,
        widget=forms.Select(choices=[("", _("— Chọn xã, phường —"))]),
    )


class AddressMixin:
    """Clean a (province, commune, street) triple into code + name fields."""

    def clean_address(self, prefix: str, required: bool) -> None:
        if self.has_error(f"{prefix}_province_code") or self.has_error(f"{prefix}_commune_code"):
            return
        province = self.cleaned_data.get(f"{prefix}_province_code") or ""
        commune = self.cleaned_data.get(f"{prefix}_commune_code") or ""
        if required and not province:
            self.add_error(f"{prefix}_province_code", _("Chọn tỉnh, thành phố."))
            return
        if province and not commune:
            self.add_error(f"{prefix}_commune_code", _("Chọn xã, phường."))
            return
        commune_name = units.commune_name(province, commune) if commune else ""
        if commune and commune_name is None:
            self.add_error(f"{prefix}_commune_code", _("Xã, phường này không thuộc tỉnh đã chọn."))
            return
        self.cleaned_data[f"{prefix}_province_name"] = units.province_name(province) or ""
        self.cleaned_data[f"{prefix}_commune_name"] = commune_name or ""

    def set_commune_choices(self, prefix: str) -> None:
        province = (
            self.data.get(f"{prefix}_province_code")
            if self.is_bound
            else self.initial.get(f"{prefix}_province_code")
        )
        self.fields[f"{prefix}_commune_code"].widget.choices = [
            ("", _("— Chọn xã, phường —")),
            *units.communes(province or ""),
        ]
        select = self.fields[f"{prefix}_province_code"].widget
        select.attrs.update(
            {
                "hx-get": "/accounts/units/communes/",
                "hx-target": f"#id_{prefix}_commune_code",
                "hx-trigger": "change",
                "hx-vals": f'{{"field": "{prefix}_commune_code"}}',
                "hx-include": "this",
            }
        )


class ProfileForm(AddressMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    personal_id = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=20,
        help_text=_("12 chữ số in trên thẻ căn cước (CCCD)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices, widget=forms.RadioSelect)
    permanent_province_code = _province_field(_("Tỉnh, thành phố thường trú"), required=True)
    permanent_commune_code = _commune_field(_("Xã, phường thường trú"), required=True)
    permanent_street = forms.CharField(
        label=_("Số nhà, đường, thôn, tổ"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    contact_same_as_permanent = forms.BooleanField(
        label=_("Địa chỉ liên hệ giống nơi thường trú"), required=False
    )
    contact_province_code = _province_field(_("Tỉnh, thành phố (địa chỉ liên hệ)"))
    contact_commune_code = _commune_field(_("Xã, phường (địa chỉ liên hệ)"))
    contact_street = forms.CharField(
        label=_("Số nhà, đường (địa chỉ liên hệ)"), max_length=255, required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_commune_choices("permanent")
        self.set_commune_choices("contact")
        # Required when the contact address differs: say so instead of "(không bắt buộc)".
        for name in ("contact_province_code", "contact_commune_code"):
            self.fields[name].conditional_hint = _("cần khi địa chỉ liên hệ khác nơi thường trú")

    def clean(self):
        cleaned = super().clean()
        self.clean_address("permanent", required=True)
        if not cleaned.get("contact_same_as_permanent"):
            self.clean_address("contact", required=True)
        if cleaned.get("personal_id") and not self.has_error("personal_id"):
            try:
                cleaned["personal_id"] = validate_personal_id(
                    cleaned["personal_id"], date_of_birth=cleaned.get("date_of_birth"), sex=cleaned.get("sex")
                )
            except ValidationError as exc:
                self.add_error("personal_id", exc)
        return cleaned


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = ContactPreference
        fields = ["channels", "language"]
        widgets = {"channels": forms.RadioSelect, "language": forms.RadioSelect}
        labels = {"channels": _("Nhận thông báo về hồ sơ qua"), "language": _("Ngôn ngữ của thông báo")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = Preference.choices


class OrganisationForm(AddressMixin, forms.Form):
    name = forms.CharField(
        label=_("Tên doanh nghiệp, tổ chức"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    tax_code = forms.CharField(
        label=_("Mã số thuế"),
        max_length=20,
        help_text=_("10 chữ số; đơn vị phụ thuộc: 10 chữ số, dấu gạch, 3 chữ số."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    hq_province_code = _province_field(_("Tỉnh, thành phố (trụ sở)"), required=True)
    hq_commune_code = _commune_field(_("Xã, phường (trụ sở)"), required=True)
    hq_street = forms.CharField(label=_("Số nhà, đường (trụ sở)"), max_length=255, required=False)
    confirm = forms.BooleanField(
        label=_(
            "Tôi là người đại diện theo pháp luật của tổ chức này (hoặc chủ hộ kinh doanh) và chịu trách nhiệm trước pháp luật về thông tin đã khai."
        ),
        error_messages={
            "required": _(
                "Chỉ người đại diện theo pháp luật mới đăng ký tổ chức. Nếu bạn làm thủ tục giúp tổ chức, hãy đề nghị người đại diện mời bạn làm thành viên."
            )
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_commune_choices("hq")

    def clean_tax_code(self) -> str:
        return validate_tax_code(self.cleaned_data["tax_code"])

    def clean(self):
        cleaned = super().clean()
        self.clean_address("hq", required=True)
        return cleaned


class InviteMemberForm(forms.Form):
    phone = VietnamPhoneField(
        label=_("Số điện thoại người được mời"),
        help_text=_(
            "Ví dụ: 0912 345 678. Người đó nhận tin nhắn có đường dẫn để chấp nhận; chỉ khi chấp nhận mới trở thành thành viên."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs["autocomplete"] = "off"  # someone else's number, not one's own


DOCUMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class ProofDocumentsForm(forms.Form):
    """The registration certificate and the representative's ID, checked from their bytes."""

    certificate = forms.FileField(
        label=_("Giấy chứng nhận đăng ký doanh nghiệp (hoặc hộ kinh doanh)"),
        help_text=_("Ảnh chụp hoặc bản quét, PDF, JPEG hoặc PNG."),
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )
    identity = forms.FileField(
        label=_("Căn cước của bạn (hai mặt trong một tệp)"),
        help_text=_("PDF, JPEG hoặc PNG. Chỉ cán bộ xác minh xem được tệp này."),
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )
    note = forms.CharField(
        label=_("Ghi chú cho cán bộ"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.ORGANISATION_DOCUMENT_MAX_BYTES // 1048576
        self.fields["certificate"].help_text = _(
            "Ảnh chụp hoặc bản quét: PDF, JPEG hoặc PNG, tối đa %(limit)d MB."
        ) % {"limit": limit}
        self.fields["identity"].help_text = _(
            "Hai mặt trong một tệp: PDF, JPEG hoặc PNG, tối đa %(limit)d MB. Chỉ cán bộ xác minh xem được tệp này."
        ) % {"limit": limit}

    def _clean_document(self, name: str):
        from .services import document_problem

        upload = self.cleaned_data[name]
        problem = document_problem(upload)
        if problem:
            raise ValidationError(problem)
        return upload

    def clean_certificate(self):
        return self._clean_document("certificate")

    def clean_identity(self):
        return self._clean_document("identity")


class DisputeForm(ProofDocumentsForm):
    confirm = forms.BooleanField(
        label=_(
            "Tôi là người đại diện theo pháp luật của tổ chức này. Tôi biết khai gian để chiếm quyền nhân danh tổ chức khác là vi phạm pháp luật."
        ),
        error_messages={"required": _("Hãy đánh dấu ô cam đoan trước khi gửi.")},
    )


class ClaimDecisionForm(forms.Form):
    """The officer's decision on a claim (in the admin)."""

    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[
            ("approve", _("Xác nhận người đề nghị là người đại diện theo pháp luật")),
            ("refuse", _("Không xác nhận")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Lý do (bắt buộc khi không xác nhận; người đề nghị nhận được lý do này)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Hãy ghi lý do không xác nhận."))
        return cleaned
