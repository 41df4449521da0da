import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from procedures.importers import CatalogueImportError, import_catalogue
from procedures.models import Procedure, Sector

SOURCE = Path(__file__).resolve().parents[2] / "procedures" / "data" / "national-catalogue"

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_dir(tmp_path):
    for name in ("procedures.csv", "sectors.csv"):
        shutil.copy(SOURCE / name, tmp_path / name)
    return tmp_path


def test_real_catalogue_is_loaded_once():
    assert Procedure.objects.count() >= 2395
    assert Sector.objects.count() == 489
    assert Procedure.objects.filter(code="1.004194", name="Đăng ký tạm trú").exists()


def test_rerun_creates_no_duplicates(export_dir):
    before = Procedure.objects.count()
    report = import_catalogue(export_dir)
    assert report.created == 0
    assert Procedure.objects.count() == before
    assert Sector.objects.count() == 489


def test_newer_export_updates_in_place(export_dir):
    path = export_dir / "procedures.csv"
    text = path.read_text(encoding="utf-8").replace(
        "1.004194,Đăng ký tạm trú,", "1.004194,Đăng ký tạm trú (sửa đổi),"
    )
    path.write_text(text + "9.999999,Thủ tục mới hoàn toàn,1,0,0,5\n", encoding="utf-8")
    report = import_catalogue(export_dir)
    assert report.created == 1
    assert report.updated >= 1
    procedure = Procedure.objects.get(code="1.004194")
    assert procedure.name == "Đăng ký tạm trú (sửa đổi)"
    assert procedure.search_text.startswith(" dang ki tam tru sua doi")
    assert procedure.history.first().history_change_reason == "Cập nhật từ danh mục quốc gia"


def test_malformed_rows_are_reported_and_nothing_is_written(export_dir):
    path = export_dir / "procedures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("Đăng ký tạm trú", "Đăng ký tạm trú ĐÃ ĐỔI")  # a valid change…
    lines.insert(3, "1.001456,Trùng mã,1,0,0,10")  # …a duplicate code,
    lines.insert(5, "bad code!,Tên,1,0,0,10")  # an invalid code,
    lines.insert(7, "9.000001,,x,0,0,-3")  # a missing name, bad flag, bad weight.
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogueImportError) as excinfo:
        import_catalogue(export_dir)
    messages = [str(e) for e in excinfo.value.errors]
    assert any("dòng 4" in m and "trùng" in m for m in messages)
    assert any("dòng 6" in m and "không hợp lệ" in m for m in messages)
    assert any("dòng 8" in m and "thiếu tên" in m for m in messages)
    assert any("dòng 8" in m and "for_citizens" in m for m in messages)
    assert any("dòng 8" in m and "weight" in m for m in messages)
    # The valid change in the same file was not applied: nothing is half-imported.
    assert Procedure.objects.get(code="1.004194").name == "Đăng ký tạm trú"


def test_missing_column_and_bad_encoding(export_dir):
    (export_dir / "sectors.csv").write_text("id,name\n1,Hộ tịch\n", encoding="utf-8")
    (export_dir / "procedures.csv").write_bytes(b"code,name\n" + "Đăng ký".encode("cp1258", errors="replace"))
    with pytest.raises(CatalogueImportError) as excinfo:
        import_catalogue(export_dir)
    text = " ".join(str(e) for e in excinfo.value.errors)
    assert "thiếu cột: ministry" in text


def test_non_utf8_file(export_dir):
    (export_dir / "procedures.csv").write_bytes(
        b"code,name,for_citizens,for_businesses,vertical,weight\n1.1,\xff\xfe,1,0,0,1\n"
    )
    with pytest.raises(CatalogueImportError) as excinfo:
        import_catalogue(export_dir)
    assert "UTF-8" in str(excinfo.value.errors[0])


def test_command_reports_errors_clearly(export_dir, capsys):
    (export_dir / "procedures.csv").write_text(
        "code,name,for_citizens,for_businesses,vertical,weight\n1.000001,Tên,2,0,0,1\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="Không nhập gì cả: 1 lỗi"):
        call_command("import_catalogue", str(export_dir))
    assert "procedures.csv, dòng 2: cột for_citizens phải là 1 hoặc 0" in capsys.readouterr().err


def test_command_dry_run_writes_nothing(export_dir):
    path = export_dir / "procedures.csv"
    path.write_text(path.read_text(encoding="utf-8") + "9.888888,Thủ tục thử,1,0,0,5\n", encoding="utf-8")
    call_command("import_catalogue", str(export_dir), "--dry-run", verbosity=0)
    assert not Procedure.objects.filter(code="9.888888").exists()
