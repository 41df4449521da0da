from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    ONE_STOP_OFFICER = "officer", _("Cán bộ Bộ phận Một cửa")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo phê duyệt")
    PUBLISHER = "publisher", _("Cán bộ công bố thủ tục hành chính")
    AGENCY_ADMIN = "agency_admin", _("Quản trị đơn vị")


# Django groups created by migration, one per role (name shown in the admin).
ROLE_GROUPS = {
    StaffRole.ONE_STOP_OFFICER: "Cán bộ Một cửa",
    StaffRole.SPECIALIST: "Chuyên viên",
    StaffRole.LEADER: "Lãnh đạo",
    StaffRole.PUBLISHER: "Công bố thủ tục",
    StaffRole.AGENCY_ADMIN: "Quản trị đơn vị",
}

# Model permissions each role's group holds ("app_label.codename").
ROLE_PERMISSIONS = {
    StaffRole.PUBLISHER: [
        "procedures.view_procedure",
        "procedures.add_procedure",
        "procedures.change_procedure",
        "procedures.publish_procedure",
        *[f"procedures.{a}_{m}" for m in ("procedurestep", "submissionmethod", "dossiercomponent", "legalbasis") for a in ("view", "add", "change", "delete")],
        *[f"dossiers.{a}_{m}" for m in ("onlineform", "onlineformfield") for a in ("view", "add", "change", "delete")],
        "dossiers.view_onlineformversion",
        "procedures.view_agency",
        "procedures.view_sector",
        "procedures.view_lifeevent",
    ],
    StaffRole.AGENCY_ADMIN: [
        "procedures.view_procedure",
        "procedures.view_agency",
        "procedures.change_agency",
        "procedures.view_sector",
        "procedures.view_lifeevent",
    ],
    StaffRole.ONE_STOP_OFFICER: ["procedures.view_procedure", "procedures.view_agency"],
    StaffRole.SPECIALIST: ["procedures.view_procedure", "procedures.view_agency"],
    StaffRole.LEADER: ["procedures.view_procedure", "procedures.view_agency"],
}


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class MemberRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("Người đại diện theo pháp luật")
    MEMBER = "member", _("Người được ủy quyền")


ACTING_AS_SESSION_KEY = "acting_as_organisation"
