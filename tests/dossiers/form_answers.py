"""Realistic answers to the six demo forms (one valid set per form), shared by the declaration tests.

The people's personal ids agree with their date of birth and sex; the communes are real codes of the
demo province.
"""

MARRIAGE, BIRTH, MARITAL_STATUS, HOUSEHOLD_BUSINESS, EXTRACT_COPY, TEMPORARY_RESIDENCE = (
    "1.000894",
    "1.001193",
    "1.004873",
    "1.001612",
    "2.000635",
    "1.004194",
)
DEMO_CODES = [MARRIAGE, BIRTH, MARITAL_STATUS, HOUSEHOLD_BUSINESS, EXTRACT_COPY, TEMPORARY_RESIDENCE]

# People of the realistic answers: personal ids agree with date of birth and sex (digits 1-3 the
# province of birth registration, 4 century and sex, 5-6 year of birth).
BINH = {"name": "Trần Thị Bình", "dob": "1996-03-14", "sex": "female", "pid": "027196004512"}
AN = {"name": "Nguyễn Văn An", "dob": "1994-08-02", "sex": "male", "pid": "027094001873"}
HA = {"name": "Lê Thị Thu Hà", "dob": "1998-06-25", "sex": "female", "pid": "024198007341"}
PHUONG = {"name": "Đỗ Văn Phương", "dob": "1985-11-03", "sex": "male", "pid": "027085009264"}
ANH = {"name": "Nguyễn Thị Anh", "dob": "1988-02-19", "sex": "female", "pid": "027188003115"}
TUAN = {"name": "Hoàng Văn Tuấn", "dob": "2001-09-09", "sex": "male", "pid": "038201006677"}
LAN = {"name": "Ngô Thị Lan", "dob": "1970-04-30", "sex": "female", "pid": "027170002398"}


def address(name, province="24", commune="09187", street="Số 18 đường Nguyễn Đăng Đạo"):
    """The address widget's three inputs: province, commune, street."""
    return {f"{name}_0": province, f"{name}_1": commune, f"{name}_2": street}


def party(index, person, marriage_count, **where):
    prefix = f"parties__{index}__"
    return {
        f"{prefix}side": person["sex"],
        f"{prefix}full_name": person["name"],
        f"{prefix}date_of_birth": person["dob"],
        f"{prefix}ethnicity": "Kinh",
        f"{prefix}nationality": "Việt Nam",
        f"{prefix}personal_id": person["pid"],
        f"{prefix}marriage_count": marriage_count,
        **address(f"{prefix}residence", **where),
    }


def parent(group, person, **where):
    prefix = f"{group}__0__"
    return {
        f"{prefix}full_name": person["name"],
        f"{prefix}date_of_birth": person["dob"],
        f"{prefix}ethnicity": "Kinh",
        f"{prefix}nationality": "Việt Nam",
        f"{prefix}personal_id": person["pid"],
        **address(f"{prefix}residence", **where),
    }


VALID_DATA = {
    MARRIAGE: {
        **party(0, BINH, "first"),
        **party(1, AN, "second", commune="09190", street="Số 7 ngõ 3 đường Lý Anh Tông"),
        "copies_requested": "yes",
        "copies": "2",
        "phone": "0912 345 678",
        "email": "binh.tran@example.vn",
    },
    BIRTH: {
        "declarant_name": BINH["name"],
        "declarant_personal_id": BINH["pid"],
        **address("declarant_residence"),
        "declarant_relationship": "mother",
        "declarant_phone": "0912 345 678",
        "declarant_email": "",
        "child_full_name": "Nguyễn Minh Khang",
        "child_sex": "male",
        "child_date_of_birth": "2025-11-20",
        "child_place_of_birth": "Bệnh viện Sản – Nhi Bắc Ninh, phường Kinh Bắc, tỉnh Bắc Ninh",
        "child_hometown": "Xã Tiên Du, tỉnh Bắc Ninh",
        "child_ethnicity": "Kinh",
        "child_nationality": "Việt Nam",
        "birth_case": "birth_notice",
        **parent("mother", BINH),
        **parent("father", AN),
        "copies_requested": "yes",
        "copies": "1",
    },
    MARITAL_STATUS: {
        "full_name": HA["name"],
        "date_of_birth": HA["dob"],
        "sex": HA["sex"],
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "personal_id": HA["pid"],
        **address("residence", commune="07210", street="Số 5 ngõ 12 đường Hoàng Văn Thụ"),
        "applicant_role": "self",
        "marital_status": "single",
        "marital_status_details": "",
        "purpose": "Để đăng ký kết hôn với anh Phạm Đức Minh, sinh năm 1995, tại Ủy ban nhân dân phường Kinh Bắc, tỉnh Bắc Ninh",
        "copies": "1",
        "phone": "0983 112 233",
    },
    HOUSEHOLD_BUSINESS: {
        "business_name": "HỘ KINH DOANH PHƯƠNG ANH",
        "founded_by": "household",
        **address("business_address", street="Số 36 đường Ngô Gia Tự"),
        "phone": "0868 204 517",
        "email": "phuonganh.hkd@example.vn",
        "business_lines": "Bán lẻ lương thực, thực phẩm\nDịch vụ ăn uống",
        "capital": "150000000",
        "employees": "3",
        "start_date": "2026-03-01",
        "owner_full_name": PHUONG["name"],
        "owner_date_of_birth": PHUONG["dob"],
        "owner_sex": PHUONG["sex"],
        "owner_ethnicity": "Kinh",
        "owner_nationality": "Việt Nam",
        "owner_personal_id": PHUONG["pid"],
        **address("owner_permanent_address", street="Số 36 đường Ngô Gia Tự"),
        "members__0__full_name": ANH["name"],
        "members__0__date_of_birth": ANH["dob"],
        "members__0__sex": ANH["sex"],
        "members__0__nationality": "Việt Nam",
        "members__0__ethnicity": "Kinh",
        "members__0__personal_id": ANH["pid"],
        **address("members__0__contact_address", street="Số 36 đường Ngô Gia Tự"),
    },
    EXTRACT_COPY: {
        "applicant_name": AN["name"],
        "applicant_personal_id": AN["pid"],
        **address("applicant_residence", commune="09190", street="Số 7 ngõ 3 đường Lý Anh Tông"),
        "applicant_relationship": "self",
        "phone": "0357 626 918",
        "record_kind": "birth",
        "copies": "2",
        "purpose": "Bổ sung hồ sơ xin việc",
        "subject_full_name": AN["name"],
        "subject_date_of_birth": AN["dob"],
        "subject_sex": AN["sex"],
        "subject_personal_id": AN["pid"],
        "registration_authority": "Ủy ban nhân dân phường Võ Cường, thành phố Bắc Ninh",
        "registration_date": "1994-08-20",
        "registration_number": "125",
        "book_number": "01/1994",
    },
    TEMPORARY_RESIDENCE: {
        "full_name": TUAN["name"],
        "date_of_birth": TUAN["dob"],
        "sex": TUAN["sex"],
        "personal_id": TUAN["pid"],
        "phone": "0357 626 918",
        **address("permanent_address", province="38", commune="14758", street="Thôn Đông Sơn"),
        **address("temporary_address", commune="09367", street="Phòng 302, số 8 ngõ 45 đường Minh Khai"),
        "stay_until": "2027-12-31",
        "accommodation": "rented",
        "head_full_name": TUAN["name"],
        "head_relationship": "Chủ hộ",
        "head_personal_id": TUAN["pid"],
        "owner_full_name": LAN["name"],
        "owner_personal_id": LAN["pid"],
        "owner_phone": "0904 772 135",
    },
}
