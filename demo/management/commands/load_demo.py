import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.models import User
from core.db import analyze_database
from demo.accounts import load_demo_users
from demo.catalogue import load_catalogue_demo
from demo.dossiers import load_demo_dossiers
from demo.forms import load_online_forms
from dossiers.models import Dossier
from procedures.search import invalidate_search_caches


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (một lần): danh mục quốc gia, tỉnh mẫu, thủ tục đầy đủ, tài khoản mẫu."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Nạp lại kể cả khi đã có dữ liệu mẫu")
        parser.add_argument("--quiet-accounts", action="store_true", help="Không in danh sách tài khoản")

    def handle(self, *args, force: bool, quiet_accounts: bool, **options):
        just_loaded = force or not User.objects.filter(username="congdan").exists()
        if just_loaded:
            call_command("import_catalogue", verbosity=0)
            summary = load_catalogue_demo()
            summary["online_forms"] = load_online_forms()
            self.stdout.write(
                f"Đã nạp dữ liệu mẫu: {summary['agencies']} cơ quan, {summary['full_procedures']} thủ tục đầy đủ, "
                f"{summary['online_forms']} tờ khai điện tử."
            )
        else:
            self.stdout.write("Dữ liệu mẫu đã có; bỏ qua (dùng --force để nạp lại).")
        accounts = load_demo_users()
        if just_loaded or not Dossier.objects.exists():  # reruns skip it: one query
            started = time.monotonic()
            if created := load_demo_dossiers():
                self.stdout.write(f"Đã tạo {created} hồ sơ mẫu ({time.monotonic() - started:.1f} giây).")
        invalidate_search_caches()
        analyze_database()  # the planner's statistics for the demo's dossiers, people and catalogue
        if not quiet_accounts:
            self.stdout.write(
                "\nTài khoản mẫu (chỉ dùng khi phát triển). Đăng nhập bằng thư điện tử hoặc số điện thoại:"
            )
            for email, password, label, agency, phone in accounts:
                where = f" — {agency}" if agency else ""
                self.stdout.write(f"  {label:<34} {email:<34} {phone:<13} mật khẩu: {password}{where}")
            self.stdout.write(
                "  Cán bộ bật xác thực hai lớp (ứng dụng TOTP) ở lần đầu vào /admin/. Mã SMS, thư: /dev/outbox/"
            )
