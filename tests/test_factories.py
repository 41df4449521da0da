"""The dossier factory reaches every lifecycle state through the real state machine."""

import pytest

from dossiers.constants import ActorKind, Status, Step
from dossiers.models import AuditEntry
from tests.factories import ROADS, AgencyFactory, DossierFactory, make_staff

pytestmark = pytest.mark.django_db

EXPECTED = {
    "draft": Status.DRAFT,
    "submitted": Status.SUBMITTED,
    "received": Status.RECEIVED,
    "supplement_requested": Status.SUPPLEMENT_REQUESTED,
    "refused": Status.REFUSED,
    "withdrawn": Status.WITHDRAWN,
    "assigned": Status.PROCESSING,
    "assigned_with_draft": Status.PROCESSING,
    "awaiting_payment": Status.PAYMENT_REQUESTED,
    "stopped": Status.STOPPED,
    "appraised": Status.PROCESSING,
    "awaiting_approval": Status.PROCESSING,
    "approved": Status.PROCESSING,
    "result_ready": Status.RESULT_READY,
    "returned": Status.RETURNED,
    "with_post": Status.RESULT_READY,
}


def test_every_road_has_its_expected_status():
    assert set(EXPECTED) == set(ROADS)


@pytest.mark.parametrize("state", sorted(ROADS))
def test_each_trait_walks_the_real_transitions(state):
    dossier = DossierFactory(**{state: True})
    assert dossier.status == EXPECTED[state]
    if state == "draft":
        assert dossier.submitted_at is None and not dossier.events.filter(action="submit").exists()
        return
    # One event per transition on its road (submit included), each with its audit row.
    steps = [name for name, _who, _kw in ROADS[state] if not name.startswith("<")]
    actions = list(dossier.events.exclude(action="").order_by("pk").values_list("action", flat=True))
    assert actions == ["submit", *steps]
    assert dossier.version == 1 + len(steps)
    assert AuditEntry.objects.filter(dossier=dossier).count() >= len(steps)


def test_the_people_who_acted_are_the_ones_given_or_staff_of_the_agency():
    agency = AgencyFactory()
    officer = make_staff(agency, "officer", full_name="Cán bộ Một cửa Đã Có")
    dossier = DossierFactory(result_ready=True, agency=agency, people={"officer": officer})
    assert dossier.people["officer"] == officer
    assert {"specialist", "leader"} <= set(dossier.people)
    assert all(p.assignments.filter(agency=agency).exists() for p in dossier.people.values())
    assert dossier.assignee == dossier.people["specialist"]
    received = dossier.events.get(action="receive")
    assert (received.actor_id, received.actor_kind) == (officer.pk, ActorKind.STAFF)
    assert dossier.processing_step == ""  # approved, then "result ready" leaves status 4
    with_post = DossierFactory(with_post=True, agency=agency, people=dossier.people)
    assert with_post.processing_step == Step.WITH_POST


def test_an_unknown_state_is_refused():
    with pytest.raises(ValueError, match="no road to 'lost'"):
        DossierFactory(state="lost")
