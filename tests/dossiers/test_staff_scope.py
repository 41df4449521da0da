"""Security by construction for staff (issue: roles, MFA and the access log).

- A staff account without a verified second factor reaches no personal data on any route.
- Roles decide what staff see: only processing roles (officer, specialist, leader) see dossiers; a
  specialist sees the dossiers assigned to them; publishers and agency administrators see none.
- Every look at a dossier or a file by staff, on any route, writes the access log.
"""

import uuid

import pytest
from django.urls import reverse

from dossiers import selectors, services
from dossiers.models import AuditEntry
from dossiers.workflow import Actor, dossier_transition
from notifications.services import ensure_default_templates
from tests.factories import AgencyFactory, UserFactory, login_staff, make_procedure, make_staff, ready_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    ensure_default_templates()
    agency, other_agency = AgencyFactory(), AgencyFactory()
    people = {
        "officer": make_staff(agency, "officer"),
        "leader": make_staff(agency, "leader"),
        "specialist": make_staff(agency, "specialist"),
        "assigned_specialist": make_staff(agency, "specialist"),
        "publisher": make_staff(agency, "publisher"),
        "agency_admin": make_staff(agency, "agency_admin"),
        "other_officer": make_staff(other_agency, "officer"),
    }
    superuser = UserFactory(is_staff=True, is_superuser=True)
    people["superuser"] = superuser
    procedure, component = make_procedure(agency)
    draft, applicant = ready_draft(procedure=procedure, component=component)
    dossier = services.dossier_submit(
        dossier=draft, user=applicant, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    dossier = dossier_transition(
        dossier_id=dossier.pk,
        name="receive",
        actor=Actor.staff(people["officer"]),
        expected_version=dossier.version,
    )
    dossier = dossier_transition(
        dossier_id=dossier.pk,
        name="assign",
        actor=Actor.staff(people["officer"]),
        expected_version=dossier.version,
        department="Tư pháp",
        assignee=people["assigned_specialist"],
    )
    return {"dossier": dossier, "applicant": applicant, "people": people, "agency": agency}


SEES = {"officer", "leader", "assigned_specialist", "superuser"}
BLIND = {"specialist", "publisher", "agency_admin", "other_officer"}


def personal_data_urls(dossier):
    stored = dossier.files.first()
    return [
        reverse("dossiers:detail", args=[dossier.code]),
        reverse("dossiers:file", args=[dossier.code, stored.pk]),
        reverse("admin:dossiers_dossier_change", args=[dossier.pk]),
        reverse("admin:dossiers_dossier_file", args=[dossier.pk, stored.pk]),
        reverse("admin:dossiers_dossier_form06", args=[dossier.pk]),
    ]


@pytest.mark.parametrize("who", sorted(SEES | BLIND))
def test_one_rule_for_every_persona(world, client, who):
    dossier, user = world["dossier"], world["people"][who]
    assert selectors.dossiers_for_staff(user).filter(pk=dossier.pk).exists() == (who in SEES)
    login_staff(client, user)
    for url in personal_data_urls(dossier):
        status = client.get(url).status_code
        assert (status == 200) == (who in SEES), (who, url, status)
        if who in BLIND:
            assert status == 404, (who, url, status)
    queue = client.get(reverse("admin:dossiers_dossier_changelist"), {"q": dossier.code})
    if who in SEES:
        assert [d.pk for d in queue.context["cl"].result_list] == [dossier.pk]
    else:
        assert queue.status_code == 403 or queue.context["cl"].result_count == 0
    logbook = client.get(
        reverse("admin:dossiers_dossier_logbook"),
        {"format": "csv", "agency": world["agency"].pk, "start": "2000-01-01", "end": "2100-01-01"},
    )
    assert (dossier.code in logbook.content.decode(errors="replace")) == (who in SEES)


@pytest.mark.parametrize("state", ["no-second-factor", "second-factor-not-used"])
def test_staff_without_the_second_factor_reach_no_personal_data(world, client, state):
    officer = world["people"]["officer"]
    if state == "second-factor-not-used":
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        if not Authenticator.objects.filter(user=officer).exists():
            TOTP.activate(officer, generate_totp_secret())
    client.force_login(officer)  # a password sign-in, no second factor in this session
    urls = [
        *personal_data_urls(world["dossier"]),
        reverse("dossiers:list"),
        reverse("accounts:profile"),
        reverse("accounts:data_export"),
        reverse("admin:dossiers_dossier_changelist"),
        reverse("admin:index"),
    ]
    for url in urls:
        client.force_login(officer)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(("/accounts/2fa/", "/accounts/login/")), (
            url,
            response["Location"],
        )
        assert world["dossier"].code.encode() not in response.content
    assert not AuditEntry.objects.filter(user=officer, what__in=["view", "file"]).exists()


def test_every_staff_look_is_in_the_access_log_on_any_route(world, client):
    dossier, officer = world["dossier"], world["people"]["officer"]
    stored = dossier.files.first()
    login_staff(client, officer)
    client.get(reverse("dossiers:detail", args=[dossier.code]))
    client.get(reverse("dossiers:file", args=[dossier.code, stored.pk]))
    client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))
    client.get(reverse("admin:dossiers_dossier_file", args=[dossier.pk, stored.pk]))
    client.get(reverse("admin:dossiers_dossier_form06", args=[dossier.pk]))
    logged = list(AuditEntry.objects.filter(user=officer).order_by("id").values_list("what", "detail"))
    assert [what for what, _detail in logged if what in ("view", "file", "form06")] == [
        "view",
        "file",
        "view",
        "file",
        "form06",
    ]
    # The applicant reading their own dossier is not an access by staff.
    client.force_login(world["applicant"])
    before = AuditEntry.objects.count()
    client.get(reverse("dossiers:detail", args=[dossier.code]))
    assert AuditEntry.objects.count() == before


def test_publishers_do_not_see_the_queue_or_the_access_log(world, client):
    login_staff(client, world["people"]["publisher"])
    assert client.get(reverse("admin:dossiers_dossier_changelist")).status_code == 403
    assert client.get(reverse("admin:dossiers_auditentry_changelist")).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/dossiers/dossier/" not in index


def test_a_draft_is_its_authors_until_submitted(client):
    """Another member of the same organisation neither opens nor submits someone else's draft."""
    from accounts.constants import MemberRole
    from accounts.models import Membership, Organisation

    draft, author = ready_draft()
    organisation = Organisation.objects.create(
        name="Công ty TNHH Thử", tax_code="0100109106", legal_representative="A"
    )
    colleague = UserFactory()
    for person in (author, colleague):
        Membership.objects.create(user=person, organisation=organisation, role=MemberRole.MEMBER)
    draft.organisation = organisation
    draft.save(update_fields=["organisation"])
    client.force_login(colleague)
    assert client.get(reverse("dossiers:draft_step", args=[draft.uuid, "review"])).status_code == 404
    response = client.post(
        reverse("dossiers:draft_submit", args=[draft.uuid]),
        {"submission_key": str(uuid.uuid4()), "declaration": "yes"},
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == 0
