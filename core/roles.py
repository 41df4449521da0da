"""The staff roles, named once for every app (accounts assigns them, the others scope by them).

Role names are vocabulary, like the status codes: ``procedures`` (a publisher's agencies),
``dossiers`` (who may act on which step) and ``accounts`` (the assignment itself) all read them, so
they live at the ground floor and no app has to import one above it to say "publisher".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    ONE_STOP_OFFICER = "officer", _("Cán bộ Bộ phận Một cửa")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo phê duyệt")
    PUBLISHER = "publisher", _("Cán bộ công bố thủ tục hành chính")
    AGENCY_ADMIN = "agency_admin", _("Quản trị đơn vị")
