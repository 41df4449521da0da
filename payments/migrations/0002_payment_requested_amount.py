"""Data: the "payment requested" message now says how much to pay ({{ amount }}).

Default wording is created once and never overwrites staff edits, so a database seeded before this
change keeps the old text. This updates it only where it is still exactly the old default.
"""

from django.db import migrations

OLD_SMS = (
    "Cổng DVC: Hồ sơ {{ dossier_code }} cần nộp phí, lệ phí để tiếp tục giải quyết. Xem số "
    "tiền và thanh toán tại {{ link }}. Không chuyển tiền cho ai yêu cầu qua điện thoại."
)
FIELDS = ("email_subject", "email_text", "email_html", "sms_text")


def forwards(apps, schema_editor):
    from notifications.defaults import DEFAULT_TEMPLATES

    Template = apps.get_model("notifications", "NotificationTemplate")
    spec = DEFAULT_TEMPLATES["payment_requested"]
    for template in Template.objects.filter(event="payment_requested", sms_text=OLD_SMS):
        for field in FIELDS:
            setattr(template, field, spec["vi"][field])
            setattr(template, f"{field}_en", spec["en"][field])
        template.save()


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_payments_and_gateway_simulator"),
        ("notifications", "0003_message_context"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
