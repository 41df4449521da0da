"""Every URL pattern (admin, allauth and every app), malformed input, every persona: never an HTTP 500.

One test per URL pattern (the test id names it); a failure lists each request that went wrong with
the persona, method, URL and what was sent. For each pattern:

* the URL with valid values (objects of the demo data) by GET as anonymous, a citizen, each staff
  role (signed in past MFA) and a superuser; the least and the most privileged persona that reach
  the view (or a citizen and the superuser) then fuzz it:
* HEAD wherever GET answers (monitoring uses HEAD), POST empty, with a word and with a huge integer
  in every id-like field (and every field of the admin's model), and fields some views read raw
  (``expected_status=abc``, a NUL byte, empty allauth forms…);
* malformed query strings (``?o=abc``, ``?p=-1``, ``?e=1``, ``?agency=abc``, a NUL byte, …), and for
  the admin autocomplete bad ``app_label``, ``model_name``, ``field_name`` and ``term``;
* every path parameter replaced in turn by a malformed value (``abc``, ``-1``, ``0``, a huge
  integer, Vietnamese words, ``../etc/passwd``, 5,000 characters, ``%00``, wrong UUIDs; four of
  them for Django's own admin views, which share one ``get_object``);
* admin changelists: every action with a forged ``_selected_action``, ``index`` and ``select_across``.

What must hold: no HTTP 500, nothing logged at ERROR by ``django.request``/``django.server``, no
traceback text in a body, and HEAD not refused where GET works. The world is the demo data (40
dossiers in every status, the demo staff of one commune) built once per module inside a transaction
rolled back at the end; every request runs in a savepoint rolled back too, so a forged POST never
changes what the next request sees. ``test_the_fuzz_test_catches_broken_views`` shows it can fail.
About 9,000 requests: a minute and a half of CPU on SQLite.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.factories import login_staff, make_staff

from .fuzz import HUGE, LONG, MALFORMED_PATH_VALUES, Persona, Prober, Route, routes, with_query

BAD_QUERIES = [
    {"o": "abc", "p": "-1", "q": LONG},  # the admin's ordering, page and search
    {"o": "99", "p": HUGE, "page": "abc", "e": "1", "status__exact": "abc", "procedure__id__exact": "abc"},
    {  # the portal's own parameters (log book, lists, lookup, files, statistics)
        "agency": "abc",
        "start": "abc",
        "end": "2026-02-31",
        "format": "csv",
        "queue": "abc",
        "status": "abc",
        "sector": "abc",
        "level": "abc",
        "event": "../etc/passwd",
        "audience": "abc",
        "page": "-1",
        "inline": "1",
        "next": "//evil.example/",
    },
    {
        "agency": HUGE,
        "status": HUGE,
        "id": HUGE,
        "pk": "-1",
        "page": HUGE,
        "q": "Đăng ký kết hôn",
        "code": "abc",
    },
    {"q": "\x00", "code": "\x00"},
    # The battery's S5 finding: a lookup whose value is out of the field's range compiles to no SQL
    # at all (EmptyResultSet), which the work queue's EXPLAIN-based count did not expect.
    {"q": "-1", "status": "-1", "o": "-1"},
    {"q": HUGE, "status": HUGE, "o": HUGE},
]
AUTOCOMPLETE_QUERIES = [
    {"app_label": "procedures", "model_name": "procedure", "field_name": "sectors", "term": "abc"},
    {"app_label": "procedures", "model_name": "procedure", "field_name": "sectors", "term": HUGE},
    {"app_label": "procedures", "model_name": "procedure", "field_name": "agencies", "term": "\x00"},
    {"app_label": "procedures", "model_name": "procedure", "field_name": "life_events", "term": LONG},
    {"app_label": "procedures", "model_name": "procedure", "field_name": "abc", "term": "a"},
    {"app_label": "procedures", "model_name": "abc", "field_name": "sectors", "term": "a"},
    {"app_label": "abc", "model_name": "procedure", "field_name": "sectors", "term": "a"},
    {"app_label": "dossiers", "model_name": "onlineform", "field_name": "procedure", "term": "kết hôn"},
    {"app_label": "procedures", "model_name": "procedure", "field_name": "sectors", "page": "abc"},
    {"app_label": "procedures", "model_name": "procedure", "field_name": "sectors", "page": HUGE},
    {},
]
ID_FIELDS = [
    "id",
    "pk",
    "expected_status",
    "assignee",
    "agency",
    "agencies",
    "sectors",
    "life_events",
    "owner_agency",
    "procedure",
    "component",
    "organisation",
    "file_id",
    "score",
    "status",
    "user",
    "dossier",
    "parent",
    "group",
    "form",
    "content_type",
    "page",
    "index",
    "_selected_action",
    "select_across",
    "new_due",
    "effective_from",
    "effective_to",
    "date",
    "service_level",
    "popularity",
    "order",
    "channels",
    "language",
    "method",
    "delivery",
    "submission_key",
    "phone",
    "phone_last4",
    "code",
    "login",
    "email",
    "password",
    "password1",
    "password2",
    "oldpassword",
    "action",
    "step",
]


WORDS = "'abc' in every id-like field"
HUGE_INTS = f"{HUGE} in every id-like field"


def junk_fields(model_admin, value: str) -> dict:
    """``value`` in every id-like field, plus every concrete and many-to-many field of the admin's model."""
    data = dict.fromkeys(ID_FIELDS, value)
    if model_admin is not None:
        for f in model_admin.model._meta.get_fields():
            if getattr(f, "concrete", False) or f.many_to_many:
                data.setdefault(f.name, value)
    data["_selected_action"] = [value, "abc", HUGE]
    return data


# --- the world ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo data and one signed-in client per persona, rolled back when the module ends."""
    from accounts.models import Membership, Organisation, User
    from demo.accounts import load_demo_users
    from demo.dossiers import HOME_AGENCY, load_demo_dossiers
    from procedures.models import Agency

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_users()
        load_demo_dossiers(count=40)
        home = Agency.objects.get(code=HOME_AGENCY)
        users = {u.username: u for u in User.objects.filter(username__in=["congdan", "motcua", "admin"])}
        citizen = users["congdan"]
        organisation = Organisation.objects.create(
            name="Công ty TNHH Thử Nghiệm",
            tax_code="0100109106",
            legal_representative=citizen.full_name,
            status="verified",
        )
        Membership.objects.create(user=citizen, organisation=organisation, role="representative")
        agency_admin = make_staff(home, "agency_admin", username="quantri-donvi")
        staff = {
            "officer": "motcua",
            "specialist": "chuyenvien",
            "leader": "lanhdao",
            "publisher": "congbo",
            "superuser": "admin",
        }
        personas = {"anonymous": Persona.signed_in("anonymous", None)}
        personas["citizen"] = Persona.signed_in("citizen", lambda c: c.force_login(citizen))
        for persona, username in staff.items():
            user = User.objects.get(username=username)
            personas[persona] = Persona.signed_in(persona, lambda c, u=user: login_staff(c, u))
        personas["agency_admin"] = Persona.signed_in("agency_admin", lambda c: login_staff(c, agency_admin))
        draft = _draft_with_a_file(citizen, home)
        values = _valid_values(citizen=citizen, home=home, draft=draft, organisation=organisation)
        values["by_route"].update(_level4_values(citizen=citizen, home=home, organisation=organisation))
        yield {"personas": personas, "values": values}
        transaction.set_rollback(True)


def _draft_with_a_file(citizen, home):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dossiers import services
    from procedures.models import Procedure

    procedure = (
        Procedure.objects.published().filter(service_level=4, agencies=home, components__isnull=False).first()
    )
    draft = services.dossier_start(user=citizen, procedure=procedure)
    services.draft_add_file(
        dossier=draft,
        component=procedure.components.first(),
        upload=SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    )
    return draft


def _level4_values(*, citizen, home, organisation) -> dict:
    """Objects of the organisation, payment and post routes: a claim with a document, a pending
    invitation, a fee request paid with a receipt, an attempt and a shipment with its tracking number."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from accounts import services as accounts_services
    from accounts.models import ClaimDocument, Membership, OrganisationClaim, User
    from delivery import services as delivery_services
    from delivery.constants import Direction, Payer
    from delivery.models import Shipment
    from dossiers.constants import Status
    from dossiers.models import Dossier
    from payments import services as payment_services
    from payments.constants import FeeMoment, LegalKind
    from payments.models import Receipt

    claim = OrganisationClaim.objects.create(organisation=organisation, claimant=citizen, kind="registration")
    document = ClaimDocument(
        claim=claim, kind="certificate", original_name="giay-phep.pdf", size=10, sha256="0" * 64
    )
    document.file.save("giay-phep.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    member = Membership.objects.create(
        user=User.objects.get(username="congdan2")
        if User.objects.filter(username="congdan2").exists()
        else User.objects.create_user(username="thanhvien-fuzz", full_name="Thành Viên", password=None),
        organisation=organisation,
        role="member",
    )
    invitation = accounts_services.invitation_create(
        actor=citizen, organisation=organisation, phone="+84987650001"
    )

    dossier = Dossier.objects.filter(
        applicant=citizen, agency=home, status=Status.PAYMENT_REQUESTED
    ).first() or (Dossier.objects.filter(applicant=citizen, agency=home).exclude(status=Status.DRAFT).last())
    fee_request = payment_services.fee_request_create(
        dossier=dossier,
        items=[payment_services.ItemInput(label="Lệ phí", kind=LegalKind.CHARGE, unit_amount=8000)],
        moment=FeeMoment.SUBMISSION,
    )
    attempt = payment_services.payment_start(
        fee_request_id=fee_request.pk,
        user=citizen,
        return_url="http://127.0.0.1:9/payments/return/vnpay_simulator/",
        ip_address="127.0.0.1",
    ).attempt
    now = timezone.now()
    receipt = Receipt.objects.create(
        fee_request=fee_request,
        attempt=attempt,
        agency=home,
        year=now.year,
        number=1,
        series=f"BL-{now.year}",
        payer_name=citizen.full_name,
        amount=8000,
        items=[],
    )
    from accounts import units

    commune_code, commune_name = units.communes("24")[0]
    with transaction.atomic():
        shipment = delivery_services.shipment_prepare(
            direction=Direction.OUTBOUND,
            agency=home,
            address={
                "province_code": "24",
                "province_name": units.province_name("24"),
                "commune_code": commune_code,
                "commune_name": commune_name,
                "street": "Số 12 đường Nguyễn Trãi",
            },
            recipient_name=citizen.full_name,
            recipient_phone="0912 345 678",
            payer=Payer.CITIZEN_COD,
            dossier=dossier,
        )
    Shipment.objects.filter(pk=shipment.pk).update(item_number="EB123456785VN")
    claim_route = {"object_id": claim.pk, "document_id": document.pk}
    return {
        "admin:accounts_organisationclaim_document": claim_route,
        "admin:accounts_organisationclaim_decide": claim_route,
        "accounts:organisation_documents": {"pk": organisation.pk},
        "accounts:organisation_check": {"pk": organisation.pk},
        "accounts:organisation_leave": {"pk": organisation.pk},
        "accounts:member_remove": {"pk": organisation.pk, "membership_pk": member.pk},
        "accounts:invitation_revoke": {"pk": organisation.pk, "invitation_pk": invitation.pk},
        "accounts:invitation_respond": {"pk": invitation.pk},
        "accounts:invitation": {"token": "abc"},
        "payments:pay": {"fee_request_id": fee_request.pk},
        "payments:pay_dossier": {"code": dossier.code},
        "payments:return": {"gateway_name": "vnpay_simulator"},
        "payments:ipn": {"gateway_name": "vnpay_simulator"},
        "payments:attempt_status": {"reference": attempt.reference},
        "payments:receipt_pdf": {"token": receipt.token},
        "payments:verify": {"token": receipt.token},
        "admin:payments_desk_request": {"dossier_id": dossier.pk},
        "admin:payments_desk_record": {"dossier_id": dossier.pk},
        "admin:payments_desk_refund": {"dossier_id": dossier.pk},
        "delivery:carrier_webhook": {"carrier": "simulator"},
        "delivery:quote": {"uuid": str(dossier.uuid)},
        "delivery:pickup_new": {"code": dossier.procedure.code},
        "delivery:pickup_detail": {"reference": shipment.reference},
        "delivery:track": {"item_number": "EB123456785VN"},
        "admin:delivery_hand_over": {"dossier_id": dossier.pk},
        "admin:delivery_shipment_cancel": {"shipment_id": shipment.pk},
        "admin:delivery_shipment_rebook": {"shipment_id": shipment.pk},
        "admin:delivery_shipment_label": {"shipment_id": shipment.pk},
        "admin:delivery_shipment_simulate": {"shipment_id": shipment.pk},
    }


def _valid_values(*, citizen, home, draft, organisation) -> dict:
    """Per route name: values of its parameters that point at real objects, and alternatives to try."""
    from django.contrib.contenttypes.models import ContentType

    from dossiers.constants import Status
    from dossiers.forms_service import store_form_for_event
    from dossiers.models import Dossier, DossierEvent
    from dossiers.transitions import DESK_ACTIONS
    from dossiers.views import STEPS
    from procedures.models import DossierComponent, Procedure

    submitted = Dossier.objects.filter(agency=home, status=Status.SUBMITTED).first()
    own = Dossier.objects.filter(applicant=citizen, files__isnull=False).exclude(status=Status.DRAFT).first()
    own_file = own.files.first()
    component = DossierComponent.objects.exclude(template_file="").select_related("procedure").first()
    online = Procedure.objects.published().filter(service_level=4, agencies=home).first()
    procedure = Procedure.objects.filter(owner_agency=home).first() or online
    received = DossierEvent.objects.filter(dossier__agency=home, action="receive").first()
    form = store_form_for_event(received.pk)  # forms render after commit, which this world never reaches
    values = {
        "admin:dossiers_dossier_act": {"object_id": submitted.pk, "action": "receive"},
        "admin:dossiers_dossier_form_print": {"object_id": form.dossier_id, "file_id": form.pk},
        "dossiers:withdraw": {"code": own.code},
        "admin:dossiers_dossier_file": {"object_id": submitted.pk, "file_id": submitted.files.first().pk},
        "admin:dossiers_dossier_form06": {"object_id": submitted.pk},
        "admin:view_on_site": {
            "content_type_id": ContentType.objects.get_for_model(Procedure).pk,
            "object_id": procedure.pk,
        },
        "admin:app_list": {"app_label": "dossiers"},
        "admin:?url": {"url": "no-such-page/"},
        "accounts:organisation_detail": {"pk": organisation.pk},
        "account_confirm_email": {"key": "abc"},
        "openid_connect_login": {"provider_id": "vneid"},
        "openid_connect_callback": {"provider_id": "vneid"},
        "procedures:detail": {"code": online.code},
        "procedures:template_download": {"code": component.procedure.code, "component_id": component.pk},
        "procedures:agency_detail": {"code": home.code},
        "dossiers:start": {"code": online.code},
        "dossiers:submitted": {"code": own.code},
        "dossiers:receipt_pdf": {"code": own.code},
        "dossiers:detail": {"code": own.code},
        "dossiers:file": {"code": own.code, "file_id": own_file.pk},
        "notifications:sms_webhook": {"provider": "simulator"},
    }
    for name in ("draft_upload", "draft_file", "draft_file_delete", "draft_submit", "draft_step"):
        values[f"dossiers:{name}"] = {
            "uuid": str(draft.uuid),
            "file_id": draft.files.first().pk,
            "step": "agency",
        }
    alternatives = {
        "admin:dossiers_dossier_act": {"action": list(DESK_ACTIONS)},
        "dossiers:draft_step": {"step": [key for key, _label in STEPS]},
        "notifications:sms_webhook": {"provider": ["http", "dev"]},
    }
    return {"by_route": values, "alternatives": alternatives, "home": home}


def _admin_object(model_admin, home):
    """An object of the admin's model, preferably one the home agency's staff can see."""
    from dossiers.constants import Status
    from dossiers.models import Dossier, OnlineForm
    from procedures.models import Agency, Procedure

    model = model_admin.model
    preferred = {
        Dossier: Dossier.objects.filter(agency=home, status=Status.SUBMITTED),
        Procedure: Procedure.objects.filter(owner_agency=home),
        OnlineForm: OnlineForm.objects.filter(procedure__owner_agency=home),
        Agency: Agency.objects.filter(pk=home.pk),
    }.get(model)
    obj = preferred.first() if preferred is not None else None
    return obj or model._default_manager.order_by("pk").first()


def valid_kwargs(route: Route, world) -> dict | None:
    """Values for the route's parameters, or None when the model has no object to point at."""
    if not route.params:
        return {}
    known = world["values"]["by_route"]
    key = route.name if route.name in known else f"{route.name}{route.params[0]}"
    if key in known:
        return {p: known[key][p] for p in route.params}
    if route.model_admin is not None:
        obj = _admin_object(route.model_admin, world["values"]["home"])
        if obj is None:
            return None
        kwargs = {}
        for p in route.params:
            if p in ("object_id", "_0", "id"):
                kwargs[p] = obj.pk
            elif p == "_1":  # simple-history's version id
                kwargs[p] = (
                    obj.history.order_by("history_id").values_list("history_id", flat=True).first() or 1
                )
        if set(kwargs) == set(route.params):
            return kwargs
    raise AssertionError(
        f"{route.label} ({route.name}): add valid values for {route.params} to the fuzz world"
    )


# --- the test -----------------------------------------------------------------------------------------

ROUTES = routes()
# Least privileged first: the first persona that reaches a view and the most privileged one fuzz it.
REACH_ORDER = [
    "anonymous",
    "citizen",
    "officer",
    "specialist",
    "leader",
    "publisher",
    "agency_admin",
    "superuser",
]
SIGN_IN_PATHS = ("/accounts/login/", "/accounts/2fa/", "/admin/login/")
# Fields some views read straight from request.POST: each alone, so no form error hides it.
RAW_POSTS = [
    ({"expected_status": "abc"}, "expected_status=abc"),
    ({"expected_status": HUGE}, f"expected_status={HUGE}"),
    ({"expected_version": "abc"}, "expected_version=abc"),
    ({"expected_version": HUGE}, f"expected_version={HUGE}"),
    ({"expected_version": "-1"}, "expected_version=-1"),
    ({"action": "rate", "score": HUGE, "comment": "\x00"}, "action=rate, score=huge, comment=NUL"),
    ({"action": "supplement", "note": "\x00", "reason": "\x00"}, "note=NUL, reason=NUL"),
    ({"organisation": HUGE, "component": "abc", "submission_key": "abc"}, "organisation=huge, component=abc"),
    ({"login": "", "password": "", "email": "", "phone": ""}, "empty sign-in fields"),
]
PATH_POST_VALUES = ["abc", HUGE, "%00"]
# Django's own admin views share one get_object(): a few malformed ids are enough for them.
GENERIC_ADMIN_PATH_VALUES = ["abc", HUGE, "%00", "../etc/passwd"]


def _reached(status: int | None, location: str) -> bool:
    if status in (200, 204, 206, 405, 429):
        return True
    return status in (301, 302, 303) and not location.startswith(SIGN_IN_PATHS)


def _admin_actions(model_admin) -> list[str]:
    return [name for _func, name, _desc in model_admin._get_base_actions()]


def _generic_admin_view(route: Route) -> bool:
    """Django's own changelist/add/change/delete/history views: forms guard them, not hand-written parsing."""
    return route.model_admin is not None and (
        route.name.rsplit("_", 1)[-1] in {"changelist", "add", "change", "delete", "history"}
        or route.name == "admin:?"
    )


def probe_route(prober: Prober, route: Route, world) -> None:
    personas = world["personas"]
    kwargs = valid_kwargs(route, world)
    admin = route.model_admin
    url = route.url(kwargs) if kwargs is not None else None
    reached = []
    if url is not None:
        for name in REACH_ORDER:
            if name in personas and _reached(
                prober.request(personas[name], "GET", url), prober.last_location
            ):
                reached.append(name)
    fuzzers = [personas[n] for n in dict.fromkeys(reached[:1] + reached[-1:])] or [
        personas[n] for n in ("citizen", "superuser") if n in personas
    ]
    boss = fuzzers[-1]
    if url is not None:
        for persona in fuzzers:
            boss_status, _location = prober.get_and_head(persona, url)  # HEAD must work wherever GET does
            if prober.request(persona, "POST", url, data={}, sent="empty form") == 405:
                continue
            prober.request(persona, "POST", url, data=junk_fields(admin, "abc"), sent=WORDS)
            prober.request(persona, "POST", url, data=junk_fields(admin, HUGE), sent=HUGE_INTS)
            if not _generic_admin_view(route):
                for data, sent in RAW_POSTS:
                    prober.request(persona, "POST", url, data=data, sent=sent)
        if boss_status == 200:  # a page that answers: see what it makes of a malformed query
            queries = AUTOCOMPLETE_QUERIES if route.name == "admin:autocomplete" else BAD_QUERIES
            for query in queries:
                prober.request(boss, "GET", with_query(url, query))
        if admin is not None and route.name.endswith("_changelist"):
            _forge_actions(prober, [boss], url, admin, world)
        for param, others in world["values"]["alternatives"].get(route.name, {}).items():
            for other in others:
                alt = route.url({**kwargs, param: other})
                prober.get_and_head(boss, alt)
                prober.request(boss, "POST", alt, data=junk_fields(admin, "abc"), sent=WORDS)
                for data, sent in RAW_POSTS:
                    prober.request(boss, "POST", alt, data=data, sent=sent)
    base = kwargs or dict.fromkeys(route.params, "1")
    values = GENERIC_ADMIN_PATH_VALUES if _generic_admin_view(route) else MALFORMED_PATH_VALUES
    for param in route.params:
        for value in values:
            bad = route.url({**base, param: value})
            for persona in fuzzers:
                prober.request(persona, "GET", bad)
            if value in PATH_POST_VALUES:
                prober.request(boss, "POST", bad, data=junk_fields(admin, "abc"), sent=WORDS)


def _forge_actions(prober: Prober, fuzzers, url: str, admin, world) -> None:
    """Every action of a changelist with forged selections; ``select_across`` on a one-row list."""
    obj = _admin_object(admin, world["values"]["home"])
    pk_name = admin.model._meta.pk.name
    one_row = with_query(url, {f"{pk_name}__exact": obj.pk}) if obj is not None else url
    for action in [*_admin_actions(admin), "abc"]:
        forged = {"action": action, "_selected_action": ["abc", HUGE, "-1"], "index": "abc"}
        valid = {
            "action": action,
            "_selected_action": [obj.pk if obj is not None else "1"],
            "index": HUGE,
            "apply": "1",
            "assignee": "abc",
            "department": LONG,
        }
        across = {"action": action, "select_across": "abc", "index": "-1", "_selected_action": "abc"}
        for persona in fuzzers:
            prober.request(
                persona, "POST", url, data=forged, sent=f"action={action}, _selected_action=abc/huge/-1"
            )
            prober.request(
                persona, "POST", url, data=valid, sent=f"action={action}, index=huge, assignee=abc"
            )
            prober.request(persona, "POST", one_row, data=across, sent=f"action={action}, select_across=abc")


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.name} {r.label}" for r in ROUTES])
def test_no_input_gives_a_server_error(world, route):
    with Prober() as prober:
        probe_route(prober, route, world)
    assert not prober.problems, f"{route.label}: {len(prober.problems)} problem(s)\n" + "\n".join(
        str(p) for p in prober.problems[:40]
    )


@pytest.mark.django_db
@pytest.mark.urls("tests.security.broken_urls")
def test_the_fuzz_test_catches_broken_views():
    """The same probes against views broken on purpose: each failure is found and named."""
    world = {
        "personas": {"anonymous": Persona.signed_in("anonymous", None)},
        "values": {"by_route": {"broken_path": {"code": "1"}}, "alternatives": {}, "home": None},
    }
    from .broken_urls import BROKEN

    found = {}
    for route in [r for r in routes("tests.security.broken_urls") if r.name in BROKEN]:
        with Prober() as prober:
            probe_route(prober, route, world)
        found[route.name] = [str(p) for p in prober.problems]
    assert "anonymous: GET /broken/path/abc/ → HTTP 500; django.request logged ERROR ValueError" in "\n".join(
        found["broken_path"]
    )
    assert any(
        "GET /broken/query/?" in p and "page=abc" in p and "HTTP 500" in p for p in found["broken_query"]
    )
    assert any("[expected_status=abc] → HTTP 500" in p for p in found["broken_post"])
    assert any("django.request logged ERROR" in p and "HTTP 500" not in p for p in found["broken_swallowed"])
    assert any("traceback text in the body" in p for p in found["broken_traceback"])
    assert any("HEAD answered 405 where GET answered 200" in p for p in found["broken_get_only"])
    assert found["fine"] == []
