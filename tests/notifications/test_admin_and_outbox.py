import pytest
from django.urls import reverse

from notifications import services
from notifications.constants import Channel, FailureKind, Status
from notifications.models import Message, NotificationTemplate
from tests.factories import login_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root-notif", "root@example.vn", "mat-khau-rat-dai-123")
    login_staff(client, user)
    return client


def test_template_preview_shows_segments(admin_client):
    template = NotificationTemplate.objects.get(event="dossier_submitted")
    html = admin_client.get(
        reverse("admin:notifications_notificationtemplate_change", args=[template.pk])
    ).content.decode()
    assert "000.21.01.H24-261122-0007" in html  # sample values rendered
    assert "GSM-7" in html


def _form_data(template, **overrides):
    data = {
        f: getattr(template, f)
        for f in [
            "name",
            "description",
            "email_subject",
            "email_text",
            "email_html",
            "sms_text",
            "email_subject_en",
            "email_text_en",
            "email_html_en",
            "sms_text_en",
        ]
    }
    data.update({"is_active": "on", "fold_sms": "on"})
    data.update(overrides)
    return data


def test_template_rejects_unknown_placeholder(admin_client):
    template = NotificationTemplate.objects.get(event="dossier_received")
    url = reverse("admin:notifications_notificationtemplate_change", args=[template.pk])
    response = admin_client.post(url, _form_data(template, sms_text="Ho so {{ ma_ho_so }}"))
    assert response.status_code == 200
    assert "ma_ho_so" in response.content.decode()


def test_template_rejects_sms_over_two_segments(admin_client):
    template = NotificationTemplate.objects.get(event="dossier_received")
    url = reverse("admin:notifications_notificationtemplate_change", args=[template.pk])
    response = admin_client.post(url, _form_data(template, sms_text="Cổng DVC: " + "rất dài " * 60))
    assert response.status_code == 200
    assert "Tối đa là 2 tin" in response.content.decode()


def test_template_edit_takes_effect(admin_client):
    template = NotificationTemplate.objects.get(event="dossier_received")
    url = reverse("admin:notifications_notificationtemplate_change", args=[template.pk])
    response = admin_client.post(
        url, _form_data(template, sms_text="Cổng DVC: hồ sơ {{ dossier_code }} đã nhận.")
    )
    assert response.status_code == 302
    from tests.factories import UserFactory

    user = UserFactory(phone="+84912345678", email="")
    message = services.notify(event="dossier_received", context={"dossier_code": "ABC"}, user=user)[0]
    assert message.body_text == "Cong DVC: ho so ABC da nhan."


def test_message_log_counts_search_and_resend(admin_client):
    failed = Message.objects.create(
        channel=Channel.SMS,
        recipient="+84912345678",
        event="dossier_received",
        body_text="x",
        status=Status.FAILED,
        failure_kind=FailureKind.TEMPORARY,
        related_label="000.21.01.H24-261122-0001",
    )
    Message.objects.create(
        channel=Channel.EMAIL,
        recipient="b@example.vn",
        event="dossier_received",
        body_text="y",
        status=Status.DELIVERED,
    )
    url = reverse("admin:notifications_message_changelist")
    html = admin_client.get(url).content.decode()
    assert "Không gửi được: <strong>1</strong>" in html
    assert admin_client.get(url, {"q": "000.21.01.H24-261122-0001"}).context["cl"].result_count == 1
    admin_client.post(url, {"action": "resend_failed", "_selected_action": [failed.pk]})
    assert Message.objects.filter(resent_from=failed).count() == 1
    assert Message.objects.get(pk=failed.pk).status == Status.FAILED  # the old row is history


def test_message_rows_are_read_only(admin_client):
    message = Message.objects.create(
        channel=Channel.SMS,
        recipient="+84912345678",
        event="security_code",
        body_text="Ma 370519",
        is_security=True,
    )
    html = admin_client.get(reverse("admin:notifications_message_change", args=[message.pk])).content.decode()
    assert "370519" not in html
    assert (
        admin_client.post(
            reverse("admin:notifications_message_change", args=[message.pk]), {"status": "delivered"}
        ).status_code
        == 403
    )


def test_dev_outbox_keeps_the_code_the_log_masks(client, settings, django_capture_on_commit_callbacks):
    from tests.factories import UserFactory

    user = UserFactory(phone="+84912345677", email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            event="security_code",
            context={"code": "246810", "minutes": 10},
            user=user,
            channels=[Channel.SMS],
            security=True,
        )
    assert "246810" not in Message.objects.get().body_text  # masked once sent
    response = client.get("/dev/outbox/")
    assert response.status_code == 200 and "246810" in response.content.decode()
    settings.DEV_OUTBOX = False
    assert client.get("/dev/outbox/").status_code == 404
