import uuid

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.constants import ROLE_GROUPS, StaffRole
from accounts.models import StaffAssignment, User
from procedures.constants import AgencyKind, Audience, Channel, PublicationStatus
from procedures.models import (
    Agency,
    DossierComponent,
    LifeEvent,
    Procedure,
    ProcedureStep,
    Sector,
    SubmissionMethod,
)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"000.90.{n:02d}.T99")
    name = factory.Sequence(lambda n: f"Ủy ban nhân dân xã Thử Nghiệm {n}")
    kind = AgencyKind.COMMUNE


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"Lĩnh vực thử nghiệm {n}")


class LifeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifeEvent

    slug = factory.Sequence(lambda n: f"su-kien-thu-nghiem-{n}")
    name = factory.Sequence(lambda n: f"Sự kiện thử nghiệm {n}")
    audience = Audience.CITIZENS


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    service_level = 2
    status = PublicationStatus.PUBLISHED
    is_detailed = True

    class Params:
        draft = factory.Trait(status=PublicationStatus.DRAFT)
        archived = factory.Trait(status=PublicationStatus.ARCHIVED)
        online = factory.Trait(service_level=4)


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureStep

    procedure = factory.SubFactory(ProcedureFactory)
    title = "Nộp hồ sơ"


class MethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubmissionMethod

    procedure = factory.SubFactory(ProcedureFactory)
    channel = Channel.COUNTER
    time_limit_days = 3
    charge_vnd = 8000


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DossierComponent

    procedure = factory.SubFactory(ProcedureFactory)
    name = "Tờ khai theo mẫu"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = "Nguyễn Thị Hoa"
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-nghiem-1")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_staff(agency: Agency, role: str = StaffRole.PUBLISHER, **kwargs) -> User:
    from django.contrib.auth.models import Group

    if not Group.objects.filter(name=ROLE_GROUPS[role]).exists():  # flushed by a transactional test
        from accounts.services import ensure_role_groups

        ensure_role_groups()
    user = UserFactory(is_staff=True, **kwargs)
    StaffAssignment.objects.create(user=user, agency=agency, role=role)
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    return user


def login_staff(client, user) -> None:
    """Sign a staff member in as the real flow leaves them: TOTP enrolled and this session past MFA."""
    import time

    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now},
        {"method": "mfa", "type": "totp", "at": now},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


# --- dossiers ----------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def make_procedure(agency=None):
    """A level-4 procedure of ``agency`` (online, 3 working days, 8,000 đ) with one required component."""
    procedure = ProcedureFactory(service_level=4)
    procedure.agencies.add(agency or AgencyFactory())
    MethodFactory(procedure=procedure, channel="online", time_limit_days=3, charge_vnd=8000)
    component = ComponentFactory(procedure=procedure, name="Tờ khai", required=True)
    return procedure, component


def ready_draft(user=None, procedure=None, component=None, agency=None):
    """A draft that ``dossier_submit`` accepts: agency chosen, the component's file, result online."""
    from dossiers import services

    if procedure is None:
        procedure, component = make_procedure(agency)
    user = user or UserFactory(phone=f"+849123{uuid.uuid4().int % 100000:05d}", email="")
    draft = services.dossier_start(user=user, procedure=procedure)
    services.draft_save_agency(dossier=draft, agency=procedure.agencies.first())
    services.draft_add_file(dossier=draft, component=component, upload=SimpleUploadedFile("to-khai.pdf", PDF))
    services.draft_save_delivery(dossier=draft, delivery="online")
    return draft, user


# The road from a submitted dossier to each lifecycle state: (transition, who acts, its arguments).
_RECEIVED = [("receive", "officer", {})]
_ASSIGNED = [*_RECEIVED, ("assign", "officer", {"department": "Tư pháp", "assignee": "specialist"})]
_APPRAISED = [*_ASSIGNED, ("appraise", "specialist", {}), ("<result draft>", "specialist", {})]
_AWAITING_APPROVAL = [*_APPRAISED, ("submit_for_approval", "specialist", {})]
_APPROVED = [*_AWAITING_APPROVAL, ("approve", "leader", {})]
_RESULT_READY = [*_APPROVED, ("result_ready", "specialist", {})]
ROADS = {
    "draft": None,
    "submitted": [],
    "received": _RECEIVED,
    "supplement_requested": [
        ("request_supplement", "officer", {"reason": "Thiếu giấy tờ", "missing": ["Giấy khai sinh"]})
    ],
    "refused": [("refuse", "officer", {"reason": "Không thuộc thẩm quyền"})],
    "withdrawn": [("withdraw_by_applicant", "applicant", {"reason": "Nộp nhầm thủ tục"})],
    "assigned": _ASSIGNED,
    "assigned_with_draft": [*_ASSIGNED, ("<result draft>", "specialist", {})],
    "awaiting_payment": [*_ASSIGNED, ("request_payment", "officer", {})],
    "stopped": [*_ASSIGNED, ("stop", "leader", {"reason": "Không đủ điều kiện"})],
    "appraised": _APPRAISED,
    "awaiting_approval": _AWAITING_APPROVAL,
    "approved": _APPROVED,
    "result_ready": _RESULT_READY,
    "returned": [*_RESULT_READY, ("return_result", "officer", {"method": "counter"})],
    "with_post": [*_RESULT_READY, ("hand_to_post", "officer", {})],
}


class DossierFactory(factory.django.DjangoModelFactory):
    """A dossier brought to a lifecycle state by the real services, never by writing its status.

    ``DossierFactory()`` is submitted (status 1, "Mới đăng ký"); a trait names any other state on ``ROADS``:
    ``DossierFactory(received=True)``, ``DossierFactory(result_ready=True, agency=a)``. Every event,
    audit row and message is there as in life. ``people`` names who acts (``"officer"``,
    ``"specialist"``, ``"leader"``: staff of the agency, made when missing); the dossier comes back
    with ``dossier.people`` holding them, and ``dossier.applicant``.
    """

    class Meta:
        model = "dossiers.Dossier"

    state = "submitted"

    class Params:
        draft = factory.Trait(state="draft")
        submitted = factory.Trait(state="submitted")
        received = factory.Trait(state="received")
        supplement_requested = factory.Trait(state="supplement_requested")
        refused = factory.Trait(state="refused")
        withdrawn = factory.Trait(state="withdrawn")
        assigned = factory.Trait(state="assigned")
        assigned_with_draft = factory.Trait(state="assigned_with_draft")
        awaiting_payment = factory.Trait(state="awaiting_payment")
        stopped = factory.Trait(state="stopped")
        appraised = factory.Trait(state="appraised")
        awaiting_approval = factory.Trait(state="awaiting_approval")
        approved = factory.Trait(state="approved")
        result_ready = factory.Trait(state="result_ready")
        returned = factory.Trait(state="returned")
        with_post = factory.Trait(state="with_post")

    @classmethod
    def _create(
        cls, model_class, *, state, agency=None, applicant=None, procedure=None, component=None, people=None
    ):
        from dossiers import services
        from dossiers.constants import FilePurpose
        from dossiers.uploads import check_upload, store_checked
        from dossiers.workflow import Actor, dossier_transition

        if state not in ROADS:
            raise ValueError(f"no road to {state!r}: one of {sorted(ROADS)}")
        if procedure is None:
            procedure, component = make_procedure(agency)
        draft, user = ready_draft(user=applicant, procedure=procedure, component=component)
        people = dict(people or {})
        draft.people = people
        if ROADS[state] is None:
            return draft
        dossier = services.dossier_submit(
            dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
        )
        agency = dossier.agency

        def person(key):
            if key not in people:
                people[key] = make_staff(agency, key, full_name=f"Cán bộ {key}")
            return people[key]

        for name, who, kwargs in ROADS[state]:
            if name == "<result draft>":  # the specialist's draft result, attached as the desk does
                checked = check_upload(
                    dossier=dossier, component=None, upload=SimpleUploadedFile("du-thao.pdf", PDF)
                )
                store_checked(dossier=dossier, checked=checked, purpose=FilePurpose.RESULT_DRAFT)
                continue
            actor = Actor.applicant(user) if who == "applicant" else Actor.staff(person(who))
            arguments = {k: person(v) if k == "assignee" else v for k, v in kwargs.items()}
            dossier.refresh_from_db()
            dossier = dossier_transition(
                dossier_id=dossier.pk, name=name, actor=actor, expected_version=dossier.version, **arguments
            )
        dossier.refresh_from_db()
        dossier.people = people
        return dossier
