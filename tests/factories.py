import factory

from accounts.constants import ROLE_GROUPS, StaffRole
from accounts.models import StaffAssignment, User
from procedures.constants import AgencyKind, Channel, PublicationStatus
from procedures.models import Agency, DossierComponent, Procedure, ProcedureStep, SubmissionMethod


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"000.90.{n:02d}.T99")
    name = factory.Sequence(lambda n: f"Ủy ban nhân dân xã Thử Nghiệm {n}")
    kind = AgencyKind.COMMUNE


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
