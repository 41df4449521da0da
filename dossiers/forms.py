from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import units

from .constants import Delivery


class AgencyForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=None, label=_("Cơ quan tiếp nhận hồ sơ"), widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].label_from_instance = lambda a: f"{a.name} — {a.address}" if a.address else a.name


class DeliveryForm(forms.Form):
    delivery = forms.ChoiceField(label=_("Bạn muốn nhận kết quả thế nào?"), choices=Delivery.choices, widget=forms.RadioSelect)
    post_name = forms.CharField(label=_("Người nhận"), max_length=200, required=False)
    post_phone = forms.CharField(label=_("Điện thoại người nhận"), max_length=32, required=False, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    post_province_code = forms.ChoiceField(label=_("Tỉnh, thành phố"), required=False, choices=[("", _("— Chọn tỉnh, thành phố —")), *units.provinces()])
    post_commune_code = forms.CharField(label=_("Xã, phường"), required=False, max_length=10, widget=forms.Select(choices=[("", _("— Chọn xã, phường —"))]))
    post_street = forms.CharField(label=_("Số nhà, đường, thôn, tổ"), max_length=255, required=False, widget=forms.TextInput(attrs={"autocomplete": "street-address"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        province = self.data.get("post_province_code") if self.is_bound else self.initial.get("post_province_code")
        self.fields["post_commune_code"].widget.choices = [("", _("— Chọn xã, phường —")), *units.communes(province or "")]
        self.fields["post_province_code"].widget.attrs.update(
            {"hx-get": "/accounts/units/communes/", "hx-target": "#id_post_commune_code", "hx-trigger": "change", "hx-include": "this"}
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("delivery") == Delivery.POST:
            for name in ("post_name", "post_phone", "post_province_code", "post_commune_code", "post_street"):
                if not cleaned.get(name):
                    self.add_error(name, _("Cần cho việc gửi kết quả qua bưu chính."))
            province, commune = cleaned.get("post_province_code"), cleaned.get("post_commune_code")
            if province and commune and units.commune_name(province, commune) is None:
                self.add_error("post_commune_code", _("Xã, phường này không thuộc tỉnh đã chọn."))
        return cleaned

    def address(self) -> dict:
        data = self.cleaned_data
        if data.get("delivery") != Delivery.POST:
            return {}
        return {
            "name": data["post_name"],
            "phone": data["post_phone"],
            "province_code": data["post_province_code"],
            "province_name": units.province_name(data["post_province_code"]) or "",
            "commune_code": data["post_commune_code"],
            "commune_name": units.commune_name(data["post_province_code"], data["post_commune_code"]) or "",
            "street": data["post_street"],
        }


class UploadForm(forms.Form):
    component = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("Chọn tệp hoặc chụp ảnh"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Lý do rút hồ sơ"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ"), max_length=60, help_text=_("In trên giấy tiếp nhận, ví dụ 000.21.01.H24-261122-0007."))
    phone_last4 = forms.RegexField(
        label=_("4 số cuối điện thoại của người nộp"), regex=r"^\d{4}$", max_length=4,
        error_messages={"invalid": _("Nhập đúng 4 chữ số.")}, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
