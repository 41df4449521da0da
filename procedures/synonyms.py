"""The search synonyms every installation starts with (seeded by migration 0004, after every migrate
(procedures.apps: entries added here later reach existing installations) and by the demo loader).

Staff edit them in the admin (*Từ đồng nghĩa khi tìm kiếm*); seeding never overwrites a row that
already exists. Each entry is (what people type, what procedure names say, replaces): with
``replaces`` the typed words are not searched themselves, because no name uses them ("làm").

Taken from the catalogue's own words: what a citizen calls a document or a step ("sổ đỏ", "bằng
lái", "hộ khẩu", "bản quyền") and the name the catalogue gives it. An abbreviation whose letters are
the initials of its expansion (BHYT = bảo hiểm y tế) works both ways automatically: a query with the
expansion also finds names that use the abbreviation, and the other way round. English terms find
the Vietnamese names (procedure bodies stay Vietnamese).
"""

from __future__ import annotations

SEED_SYNONYMS: list[tuple[str, list[str], bool]] = [
    # Identity papers
    ("CCCD", ["căn cước"], True),
    ("CMND", ["căn cước"], True),
    ("căn cước công dân", ["căn cước"], True),
    ("chứng minh nhân dân", ["căn cước"], True),
    ("chứng minh thư", ["căn cước"], True),
    ("mất căn cước", ["cấp lại thẻ căn cước"], True),
    ("passport", ["hộ chiếu"], False),
    ("visa", ["thị thực"], False),
    ("lý lịch", ["lý lịch tư pháp"], False),
    ("tiền án", ["lý lịch tư pháp"], True),
    ("lý lịch tư pháp số 1", ["phiếu lý lịch tư pháp"], True),
    ("lý lịch tư pháp số 2", ["phiếu lý lịch tư pháp"], True),
    # Civil status
    ("giấy khai sinh", ["khai sinh"], True),
    ("làm giấy khai sinh", ["đăng ký khai sinh"], True),
    ("mất giấy khai sinh", ["đăng ký lại khai sinh", "bản sao giấy khai sinh"], True),
    ("giấy chứng tử", ["khai tử"], True),
    ("báo tử", ["khai tử"], True),
    ("độc thân", ["tình trạng hôn nhân"], True),
    ("giấy hôn thú", ["kết hôn"], True),
    ("lấy vợ", ["kết hôn"], True),
    ("lấy chồng", ["kết hôn"], True),
    ("cưới", ["kết hôn"], False),
    ("giấy đăng ký kết hôn", ["đăng ký kết hôn"], True),
    ("ly dị", ["ly hôn"], True),
    ("nhận con nuôi", ["nuôi con nuôi"], True),
    ("xin con nuôi", ["nuôi con nuôi"], True),
    ("đổi tên", ["thay đổi cải chính hộ tịch"], True),
    ("đổi họ", ["thay đổi cải chính hộ tịch"], True),
    ("sửa giấy khai sinh", ["thay đổi cải chính hộ tịch"], True),
    ("công chứng", ["chứng thực"], False),
    ("sao y", ["chứng thực bản sao"], True),
    # Residence
    ("hộ khẩu", ["thường trú"], True),
    ("nhập khẩu", ["đăng ký thường trú"], True),
    ("nhập hộ khẩu", ["đăng ký thường trú"], True),
    ("chuyển hộ khẩu", ["đăng ký thường trú"], True),
    ("cắt khẩu", ["xóa đăng ký thường trú"], True),
    ("cắt hộ khẩu", ["xóa đăng ký thường trú"], True),
    ("đăng ký tạm vắng", ["khai báo tạm vắng"], True),
    # Driving
    ("GPLX", ["giấy phép lái xe"], True),
    ("bằng lái xe", ["giấy phép lái xe"], True),
    ("bằng lái", ["giấy phép lái xe"], True),
    ("đổi bằng", ["đổi giấy phép lái xe"], True),
    ("mất bằng lái", ["cấp lại giấy phép lái xe"], True),
    ("biển số xe", ["đăng ký xe"], True),
    ("đăng ký xe máy", ["đăng ký xe"], True),
    ("xe máy", ["xe mô tô", "xe gắn máy"], False),
    # Land and building
    ("sổ đỏ", ["giấy chứng nhận quyền sử dụng đất", "đăng ký đất đai"], True),
    ("sổ hồng", ["giấy chứng nhận quyền sử dụng đất", "quyền sở hữu nhà ở"], True),
    ("GPXD", ["giấy phép xây dựng"], True),
    ("xây nhà", ["giấy phép xây dựng nhà ở"], True),
    ("sửa nhà", ["giấy phép sửa chữa cải tạo"], True),
    # Work, insurance, tax
    ("BHYT", ["bảo hiểm y tế"], True),
    ("BHXH", ["bảo hiểm xã hội"], True),
    ("BHTN", ["bảo hiểm thất nghiệp", "trợ cấp thất nghiệp"], True),
    ("thất nghiệp", ["trợ cấp thất nghiệp"], False),
    ("rút bảo hiểm xã hội", ["bảo hiểm xã hội một lần"], True),
    ("nghỉ hưu", ["lương hưu"], True),
    ("TNCN", ["thu nhập cá nhân"], True),
    ("MST", ["mã số thuế", "đăng ký thuế"], True),
    ("mã số thuế", ["đăng ký thuế"], False),
    # Business
    ("HKD", ["hộ kinh doanh"], True),
    ("mở công ty", ["thành lập công ty", "đăng ký thành lập"], True),
    ("mở doanh nghiệp", ["thành lập doanh nghiệp", "đăng ký thành lập"], True),
    ("mở quán", ["đăng ký thành lập hộ kinh doanh"], True),
    ("mở cửa hàng", ["đăng ký thành lập hộ kinh doanh"], True),
    ("mở tiệm", ["đăng ký thành lập hộ kinh doanh"], True),
    ("mở shop", ["đăng ký thành lập hộ kinh doanh"], True),
    ("tạp hoá", ["hộ kinh doanh"], True),
    ("công ty", ["doanh nghiệp"], False),
    ("đăng ký kinh doanh", ["đăng ký thành lập", "đăng ký doanh nghiệp"], False),
    ("giấy phép kinh doanh", ["đăng ký thành lập", "đăng ký doanh nghiệp"], False),
    ("đóng cửa công ty", ["giải thể doanh nghiệp", "chấm dứt hoạt động"], True),
    ("tạm dừng kinh doanh", ["tạm ngừng kinh doanh"], True),
    ("bản quyền", ["quyền tác giả"], True),
    ("TNHH", ["trách nhiệm hữu hạn"], False),
    # Work abroad
    ("xuất khẩu lao động", ["đi làm việc ở nước ngoài"], True),
    # Schools
    ("THPT", ["trung học phổ thông"], True),
    ("THCS", ["trung học cơ sở"], True),
    ("bằng tốt nghiệp", ["văn bằng"], False),
    # Everyday verbs
    ("làm", ["cấp", "đăng ký"], False),
    ("làm lại", ["cấp lại", "đăng ký lại"], True),
    ("xin", ["cấp", "đề nghị"], False),
    # English (the interface has an English version; names of procedures stay Vietnamese)
    ("birth", ["khai sinh"], False),
    ("birth certificate", ["khai sinh"], False),
    ("birth registration", ["đăng ký khai sinh"], False),
    ("marriage", ["kết hôn"], False),
    ("marriage certificate", ["đăng ký kết hôn"], False),
    ("wedding", ["kết hôn"], False),
    ("get married", ["kết hôn"], False),
    ("divorce", ["ly hôn"], False),
    ("death certificate", ["khai tử"], False),
    ("death", ["khai tử"], False),
    ("adoption", ["nuôi con nuôi"], False),
    ("guardianship", ["giám hộ"], False),
    ("marital status", ["tình trạng hôn nhân"], False),
    ("single status", ["tình trạng hôn nhân"], False),
    ("identity card", ["căn cước"], False),
    ("id card", ["căn cước"], False),
    ("national id", ["căn cước"], False),
    ("citizen id", ["căn cước"], False),
    ("driving licence", ["giấy phép lái xe"], False),
    ("driving license", ["giấy phép lái xe"], False),
    ("driver's license", ["giấy phép lái xe"], False),
    ("driver's licence", ["giấy phép lái xe"], False),
    ("criminal record", ["lý lịch tư pháp"], False),
    ("temporary residence", ["tạm trú"], False),
    ("permanent residence", ["thường trú"], False),
    ("residence", ["cư trú"], False),
    ("business registration", ["đăng ký thành lập", "đăng ký doanh nghiệp"], False),
    ("household business", ["hộ kinh doanh"], False),
    ("company", ["công ty"], False),
    ("building permit", ["giấy phép xây dựng"], False),
    ("construction permit", ["giấy phép xây dựng"], False),
    ("land use certificate", ["giấy chứng nhận quyền sử dụng đất"], False),
    ("red book", ["giấy chứng nhận quyền sử dụng đất"], False),
    ("health insurance", ["bảo hiểm y tế"], False),
    ("social insurance", ["bảo hiểm xã hội"], False),
    ("unemployment", ["trợ cấp thất nghiệp"], False),
    ("unemployment benefit", ["trợ cấp thất nghiệp"], False),
    ("pension", ["lương hưu"], False),
    ("maternity", ["thai sản"], False),
    ("tax code", ["đăng ký thuế", "mã số thuế"], False),
    ("income tax", ["thuế thu nhập cá nhân"], False),
    ("certified copy", ["chứng thực bản sao"], False),
    ("notarise", ["chứng thực"], False),
    ("notarize", ["chứng thực"], False),
    ("copyright", ["quyền tác giả"], False),
    ("work permit", ["giấy phép lao động"], False),
]

# What the demo seeded before migration 0004: a row still holding exactly this is updated to the
# new seed; a row staff changed is left alone.
PREVIOUS_SEED: dict[str, tuple[list[str], bool]] = {
    "passport": (["hộ chiếu"], True),
    "visa": (["thị thực"], True),
}


def seed_synonyms(model) -> int:
    """Create the seed rows that do not exist yet (``model`` is SearchSynonym or its migration state).

    Side effects: inserts rows; updates a row only if it still holds the previous seed value.
    Returns the number of rows created or updated.
    """
    from core.text import fold, nfc

    existing = {row.term_folded or fold(row.term): row for row in model.objects.all()}
    changed = 0
    for term, expansions, replaces in SEED_SYNONYMS:
        term = nfc(term)
        text = "\n".join(nfc(e) for e in expansions)
        row = existing.get(fold(term))
        if row is None:
            model.objects.create(term=term, term_folded=fold(term), expansions=text, replaces=replaces)
            changed += 1
            continue
        previous = PREVIOUS_SEED.get(term)
        if previous and row.expansions == "\n".join(previous[0]) and row.replaces == previous[1]:
            row.expansions, row.replaces = text, replaces
            row.save(update_fields=["expansions", "replaces", "updated_at"])
            changed += 1
    return changed
