"""Seed the announced days off and make-up working days (data only; the schema is 0001).

Seeded (confirmed from the government's announcements as reported in the press; checked November 2026):

* Tết Dương lịch 2026 — Văn bản 12729/VPCP-KGVX of 25/12/2025 (Deputy Prime Minister Phạm Thị Thanh Trà
  approving the Ministry of Home Affairs' proposal): off Thu 01/01 to Sun 04/01/2026; Fri 02/01/2026
  swapped with Sat 10/01/2026. Rows: 02/01/2026 off, 10/01/2026 working.
* Quốc khánh 2026 — the Prime Minister's approval conveyed by the Government Office in October 2025
  (reported by kienthuc.net.vn, 13/10/2025): off Sat 29/08 to Wed 02/09/2026; Mon 31/08/2026 swapped
  with Sat 22/08/2026. Rows: 22/08/2026 working, 31/08/2026 off (the package has 31/08 too; the row
  keeps the pair together in the admin).

Confirmed, nothing to seed (the package's holidays plus weekends already give the announced break):

* Tết Nguyên đán Bính Ngọ 2026 — same approval of October 2025: off Sat 14/02 (27 tháng Chạp) to Sun
  22/02/2026 (mùng 6), 9 days = the 5 statutory days Mon 16/02 to Fri 20/02 and two weekends, no swap.
* Giỗ Tổ Hùng Vương 2026 falls on Sun 26/04: compensatory day Mon 27/04 (Labour Code; in the package).
  30/04 and 01/05/2026 fall on Thu and Fri: no swap announced.

Not seeded, because no announcement could be confirmed:

* Tết Nguyên đán Đinh Mùi 2027 and the other 2027 breaks. Until the announcement is entered in the admin,
  2027 uses the package's statutory days (Tết: Thu 04/02, Fri 05/02, Mon 08/02 to Wed 10/02/2027).
* Ngày Văn hóa Việt Nam (24/11): holidays 0.109 lists it as a holiday from 2026 (Resolution 80-NQ/TW);
  the Labour Code amendment making it a paid holiday was still pending in the sources found. If it is
  not a day off, add a "working" row for the date.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from dossiers.workdays import seed_known_calendar

    seed_known_calendar(apps.get_model("dossiers", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
