"""A dossier whose result is ready to go by post, and an officer at its one-stop shop."""

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import units
from dossiers import processing
from dossiers import services as dossier_services
from dossiers.constants import Delivery
from dossiers.models import Dossier
from dossiers.workflow import Actor, dossier_transition
from tests.factories import PDF, AgencyFactory, make_procedure, make_staff, ready_draft


def post_address(index=0, **overrides):
    code, name = units.communes("24")[index]
    return {
        "name": "Nguyễn Văn An",
        "phone": "+84999000020",
        "province_code": "24",
        "province_name": "Bắc Ninh",
        "commune_code": code,
        "commune_name": name,
        "street": "Số 12 đường Nguyễn Trãi",
        **overrides,
    }


class Office:
    def __init__(self):
        code, name = units.communes("24")[5]
        self.agency = AgencyFactory(unit_code=code, unit_name=name, address=f"Bộ phận Một cửa {name}")
        self.officer = make_staff(self.agency, "officer", full_name="Cán bộ Một Cửa")
        self.specialist = make_staff(self.agency, "specialist", full_name="Chuyên Viên")
        self.leader = make_staff(self.agency, "leader", full_name="Lãnh Đạo")

    def go(self, dossier, name, actor, **kwargs):
        dossier.refresh_from_db()
        return dossier_transition(
            dossier_id=dossier.pk, name=name, actor=actor, expected_version=dossier.version, **kwargs
        )

    def result_ready(self, *, phone="+84999000020", address=None, applicant_phone=None):
        procedure, component = make_procedure(self.agency)
        draft, user = ready_draft(procedure=procedure, component=component)
        if applicant_phone:
            user.phone = applicant_phone
            user.save(update_fields=["phone"])
        dossier_services.draft_save_delivery(
            dossier=draft, delivery=Delivery.POST, address=address or post_address(phone=phone)
        )
        d = dossier_services.dossier_submit(
            dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
        )
        officer, specialist = Actor.staff(self.officer), Actor.staff(self.specialist)
        d = self.go(d, "receive", officer)
        d = self.go(d, "assign", officer, department="Tư pháp", assignee=self.specialist)
        d.refresh_from_db()
        d = processing.dossier_appraise_and_submit(  # the leader never approves blind: with the draft
            dossier_id=d.pk,
            actor=self.specialist,
            expected_version=d.version,
            result_draft=SimpleUploadedFile("du-thao.pdf", PDF),
        )
        d = self.go(d, "approve", Actor.staff(self.leader))
        d = self.go(d, "result_ready", specialist)
        return Dossier.objects.get(pk=d.pk)


def desk_form(dossier, **overrides):
    address = {**post_address(), **(dossier.delivery_address or {})}
    data = {
        "expected_version": dossier.version,
        "post-name": address["name"],
        "post-phone": address["phone"],
        "post-province_code": address["province_code"],
        "post-commune_code": address["commune_code"],
        "post-street": address["street"],
    }
    data.update(overrides)
    return data
