"""Build the demo form templates (mẫu đơn, tờ khai) as small A4 PDFs.

The forms are simplified recreations of the published templates: the national header, the title, the legal
reference and the fields with dotted lines to fill in. Run from the project root:

    .venv/bin/python demo/build_templates.py

Field conventions in FORMS:
    "Label"                 a field with a dotted line to fill in ("Label:" is plain text, no line)
    "## Heading"            a bold section heading
    "☐ A  ☐ B"              a line of tick boxes (no dotted line)
    "* Text"                a plain paragraph (declarations, notes)
    "|A|B|C"                a table header; the "||x|y" rows that follow fill cells from the left,
                            and a header with no rows gets three blank rows
    "@@Signer A;Signer B"   signature blocks, preceded by the place-and-date line
"""

import html
import sys
import unicodedata
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent / "data" / "templates"

HOTICH = "Mẫu ban hành kèm theo Thông tư số 04/2020/TT-BTP ngày 28/5/2020 của Bộ trưởng Bộ Tư pháp"
CT01 = (
    "Mẫu CT01 ban hành kèm theo Thông tư số 56/2021/TT-BCA ngày 15/5/2021 của Bộ trưởng Bộ Công an "
    "(được sửa đổi, bổ sung bởi Thông tư số 66/2023/TT-BCA và Thông tư số 53/2025/TT-BCA)"
)
DKKD = "ban hành kèm theo Thông tư số 01/2021/TT-BKHĐT ngày 16/3/2021 của Bộ trưởng Bộ Kế hoạch và Đầu tư"

REQUESTER = [
    "Kính gửi",
    "Họ, chữ đệm, tên người yêu cầu",
    "Nơi cư trú",
    "Giấy tờ tùy thân (loại giấy tờ, số, cơ quan cấp, ngày cấp)",
]
PERSON = ["Họ, chữ đệm, tên", "Ngày, tháng, năm sinh", "Giới tính", "Dân tộc", "Quốc tịch"]
HOTICH_OATH = (
    "* Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật "
    "về cam đoan của mình."
)
BUSINESS_OATH = (
    "* Tôi cam kết chịu trách nhiệm trước pháp luật về tính hợp pháp, chính xác, trung thực của nội dung "
    "đăng ký trên."
)

FORMS: dict[str, tuple[str, str, list[str]]] = {
    "to-khai-dang-ky-khai-sinh": (
        "TỜ KHAI ĐĂNG KÝ KHAI SINH",
        HOTICH,
        [
            *REQUESTER,
            "Quan hệ với người được khai sinh",
            "## Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
            "Họ, chữ đệm, tên",
            "Ngày, tháng, năm sinh (ghi bằng số và bằng chữ)",
            "Giới tính",
            "Dân tộc",
            "Quốc tịch",
            "Nơi sinh",
            "Quê quán",
            "## Thông tin về người mẹ",
            "Họ, chữ đệm, tên",
            "Năm sinh, dân tộc, quốc tịch",
            "Nơi cư trú",
            "## Thông tin về người cha",
            "Họ, chữ đệm, tên",
            "Năm sinh, dân tộc, quốc tịch",
            "Nơi cư trú",
            "* Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận nhất "
            "trí của các bên liên quan theo quy định pháp luật. Tôi chịu hoàn toàn trách nhiệm trước pháp luật "
            "về nội dung cam đoan của mình.",
            "☐ Đề nghị cấp bản sao Giấy khai sinh, số lượng: ........ bản",
            "@@Người yêu cầu",
        ],
    ),
    "to-khai-dang-ky-ket-hon": (
        "TỜ KHAI ĐĂNG KÝ KẾT HÔN",
        HOTICH,
        [
            "Kính gửi",
            "|Thông tin|Bên nữ|Bên nam",
            "||Họ, chữ đệm, tên",
            "||Ngày, tháng, năm sinh",
            "||Dân tộc",
            "||Quốc tịch",
            "||Nơi cư trú",
            "||Giấy tờ tùy thân",
            "||Kết hôn lần thứ mấy",
            "* Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng tôi là tự "
            "nguyện, không vi phạm quy định của Luật Hôn nhân và gia đình Việt Nam. Chúng tôi chịu trách nhiệm "
            "trước pháp luật về lời cam đoan của mình.",
            "☐ Đề nghị cấp bản sao Trích lục kết hôn, số lượng: ........ bản",
            "@@Bên nữ;Bên nam",
        ],
    ),
    "to-khai-dang-ky-khai-tu": (
        "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
        HOTICH,
        [
            *REQUESTER,
            "Quan hệ với người đã chết",
            "## Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:",
            *PERSON,
            "Số định danh cá nhân hoặc giấy tờ tùy thân",
            "Nơi cư trú cuối cùng",
            "Đã chết vào lúc (giờ, phút, ngày, tháng, năm)",
            "Nơi chết",
            "Nguyên nhân chết",
            "Số Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử; cơ quan cấp; ngày cấp",
            HOTICH_OATH,
            "☐ Đề nghị cấp bản sao Trích lục khai tử, số lượng: ........ bản",
            "@@Người yêu cầu",
        ],
    ),
    "to-khai-cap-giay-xac-nhan-tinh-trang-hon-nhan": (
        "TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
        HOTICH,
        [
            *REQUESTER,
            "Quan hệ với người được cấp Giấy xác nhận tình trạng hôn nhân",
            "## Đề nghị cấp Giấy xác nhận tình trạng hôn nhân cho người có tên dưới đây:",
            *PERSON,
            "Giấy tờ tùy thân",
            "Nơi cư trú",
            "Trong thời gian cư trú tại (nơi cư trú trước đây), từ ngày ... đến ngày ...",
            "Tình trạng hôn nhân",
            "Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân",
            HOTICH_OATH,
            "@@Người yêu cầu",
        ],
    ),
    "to-khai-cap-ban-sao-trich-luc-ho-tich": (
        "TỜ KHAI CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH",
        HOTICH,
        [
            *REQUESTER,
            "Quan hệ với người được cấp bản sao Trích lục hộ tịch",
            "## Đề nghị cấp bản sao Trích lục về sự kiện hộ tịch sau:",
            "☐ Khai sinh   ☐ Kết hôn   ☐ Khai tử   ☐ Giám hộ   ☐ Nhận cha, mẹ, con   ☐ Thay đổi, cải chính, "
            "bổ sung thông tin hộ tịch   ☐ Khác",
            "Họ, chữ đệm, tên người được cấp bản sao Trích lục",
            "Ngày, tháng, năm sinh",
            "Giới tính, dân tộc, quốc tịch",
            "Giấy tờ tùy thân",
            "Nơi cư trú",
            "Đã đăng ký tại (cơ quan đăng ký hộ tịch)",
            "Số đăng ký; ngày, tháng, năm đăng ký",
            "Số lượng bản sao đề nghị cấp",
            HOTICH_OATH,
            "@@Người yêu cầu",
        ],
    ),
    "to-khai-dang-ky-nhan-cha-me-con": (
        "TỜ KHAI ĐĂNG KÝ NHẬN CHA, MẸ, CON",
        HOTICH,
        [
            "Kính gửi",
            "## Người nhận",
            *PERSON,
            "Giấy tờ tùy thân",
            "Nơi cư trú",
            "## Người được nhận là cha, mẹ, con",
            *PERSON,
            "Giấy tờ tùy thân",
            "Nơi cư trú",
            "Quan hệ (người nhận là cha/mẹ/con của người được nhận)",
            "* Chúng tôi cam đoan việc nhận cha, mẹ, con nêu trên là đúng sự thật, tự nguyện, không có tranh chấp "
            "và chịu trách nhiệm trước pháp luật về cam đoan của mình.",
            "☐ Đề nghị cấp bản sao Trích lục, số lượng: ........ bản",
            "@@Người nhận;Người được nhận",
        ],
    ),
    "to-khai-dang-ky-giam-ho": (
        "TỜ KHAI ĐĂNG KÝ GIÁM HỘ",
        HOTICH,
        [
            "Kính gửi",
            "## Người giám hộ (người yêu cầu)",
            *PERSON,
            "Giấy tờ tùy thân",
            "Nơi cư trú",
            "## Đề nghị đăng ký việc giám hộ cho người có tên dưới đây:",
            *PERSON,
            "Giấy tờ tùy thân",
            "Nơi cư trú",
            "Giấy khai sinh số; cơ quan cấp; ngày cấp",
            "☐ Giám hộ đương nhiên   ☐ Giám hộ được cử",
            "Căn cứ (văn bản cử người giám hộ hoặc giấy tờ chứng minh điều kiện giám hộ đương nhiên)",
            HOTICH_OATH,
            "@@Người yêu cầu",
        ],
    ),
    "to-khai-thay-doi-cai-chinh-bo-sung-ho-tich": (
        "TỜ KHAI ĐĂNG KÝ VIỆC THAY ĐỔI, CẢI CHÍNH, BỔ SUNG THÔNG TIN HỘ TỊCH, XÁC ĐỊNH LẠI DÂN TỘC",
        HOTICH,
        [
            *REQUESTER,
            "Quan hệ với người được thay đổi, cải chính, bổ sung thông tin hộ tịch",
            "## Đề nghị cơ quan đăng ký việc:",
            "☐ Thay đổi   ☐ Cải chính   ☐ Bổ sung thông tin hộ tịch   ☐ Xác định lại dân tộc",
            "## Cho người có tên dưới đây:",
            *PERSON,
            "Giấy tờ tùy thân",
            "Nơi cư trú",
            "Đã đăng ký (khai sinh, kết hôn, ...) tại; số; ngày đăng ký",
            "Nội dung thay đổi, cải chính, bổ sung: từ",
            "thành",
            "Lý do",
            "Ý kiến của người được thay đổi họ, chữ đệm, tên (nếu từ đủ 09 tuổi trở lên)",
            HOTICH_OATH,
            "@@Người yêu cầu",
        ],
    ),
    "to-khai-thay-doi-thong-tin-cu-tru-ct01": (
        "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
        CT01,
        [
            "Kính gửi",
            "1. Họ, chữ đệm và tên",
            "2. Ngày, tháng, năm sinh",
            "3. Giới tính",
            "4. Số định danh cá nhân",
            "5. Số điện thoại liên hệ",
            "6. Email",
            "7. Họ, chữ đệm và tên chủ hộ",
            "8. Mối quan hệ với chủ hộ",
            "9. Số định danh cá nhân của chủ hộ",
            "10. Nội dung đề nghị",
            "11. Những thành viên trong hộ gia đình cùng thay đổi:",
            "|TT|Họ, chữ đệm và tên|Ngày, tháng, năm sinh|Giới tính|Số định danh cá nhân|Mối quan hệ với chủ hộ",
            "@@Ý kiến của chủ hộ;Ý kiến của chủ sở hữu chỗ ở hợp pháp;Ý kiến của cha, mẹ hoặc người giám hộ;"
            "Người kê khai",
        ],
    ),
    "giay-de-nghi-dang-ky-ho-kinh-doanh": (
        "GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH",
        "Mẫu Phụ lục III-1 " + DKKD,
        [
            "Kính gửi: Cơ quan đăng ký kinh doanh cấp xã",
            "Tôi là (ghi họ tên bằng chữ in hoa)",
            "Ngày sinh; Giới tính; Dân tộc; Quốc tịch",
            "Số định danh cá nhân",
            "Địa chỉ thường trú",
            "Địa chỉ liên lạc; Điện thoại; Email",
            "## Đăng ký hộ kinh doanh với các nội dung sau:",
            "1. Tên hộ kinh doanh (ghi bằng chữ in hoa)",
            "2. Địa chỉ trụ sở hộ kinh doanh",
            "Điện thoại; Email; Website (nếu có)",
            "3. Ngành, nghề kinh doanh:",
            "|STT|Tên ngành|Mã ngành (cấp 4)",
            "4. Vốn kinh doanh (bằng số, bằng chữ, VNĐ)",
            "5. Số lượng lao động (dự kiến)",
            "6. Thông tin đăng ký thuế (địa chỉ nhận thông báo thuế, ngày bắt đầu hoạt động)",
            "7. Chủ thể thành lập hộ kinh doanh:   ☐ Cá nhân   ☐ Các thành viên hộ gia đình",
            BUSINESS_OATH,
            "@@Chủ hộ kinh doanh",
        ],
    ),
    "thong-bao-thay-doi-noi-dung-dang-ky-ho-kinh-doanh": (
        "THÔNG BÁO VỀ VIỆC THAY ĐỔI NỘI DUNG ĐĂNG KÝ HỘ KINH DOANH",
        "Mẫu Phụ lục III-2 " + DKKD,
        [
            "Kính gửi: Cơ quan đăng ký kinh doanh cấp xã",
            "Tên hộ kinh doanh (ghi bằng chữ in hoa)",
            "Mã số hộ kinh doanh/Mã số thuế",
            "Số Giấy chứng nhận đăng ký hộ kinh doanh; ngày cấp; nơi cấp",
            "Địa chỉ trụ sở hộ kinh doanh",
            "## Đăng ký thay đổi nội dung đăng ký hộ kinh doanh như sau:",
            "☐ Tên hộ kinh doanh   ☐ Địa chỉ trụ sở   ☐ Ngành, nghề kinh doanh   ☐ Vốn kinh doanh   "
            "☐ Chủ hộ kinh doanh   ☐ Thông tin của chủ hộ kinh doanh",
            "Nội dung trước khi thay đổi",
            "Nội dung sau khi thay đổi",
            "Lý do thay đổi",
            BUSINESS_OATH,
            "@@Chủ hộ kinh doanh",
        ],
    ),
    "thong-bao-tam-ngung-kinh-doanh-ho-kinh-doanh": (
        "THÔNG BÁO VỀ VIỆC TẠM NGỪNG KINH DOANH/TIẾP TỤC KINH DOANH TRƯỚC THỜI HẠN ĐÃ THÔNG BÁO "
        "CỦA HỘ KINH DOANH",
        "Mẫu Phụ lục III-3 " + DKKD,
        [
            "Kính gửi: Cơ quan đăng ký kinh doanh cấp xã",
            "Tên hộ kinh doanh (ghi bằng chữ in hoa)",
            "Mã số hộ kinh doanh/Mã số thuế",
            "Số Giấy chứng nhận đăng ký hộ kinh doanh; ngày cấp; nơi cấp",
            "Địa chỉ trụ sở hộ kinh doanh",
            "☐ Tạm ngừng kinh doanh   ☐ Tiếp tục kinh doanh trước thời hạn đã thông báo",
            "Thời gian tạm ngừng kinh doanh: từ ngày ... đến ngày ...",
            "Thời điểm tiếp tục kinh doanh trước thời hạn",
            "Lý do",
            BUSINESS_OATH,
            "@@Chủ hộ kinh doanh",
        ],
    ),
    "thong-bao-cham-dut-hoat-dong-ho-kinh-doanh": (
        "THÔNG BÁO VỀ VIỆC CHẤM DỨT HOẠT ĐỘNG HỘ KINH DOANH",
        "Mẫu Phụ lục III-4 " + DKKD,
        [
            "Kính gửi: Cơ quan đăng ký kinh doanh cấp xã",
            "Tên hộ kinh doanh (ghi bằng chữ in hoa)",
            "Mã số hộ kinh doanh/Mã số thuế",
            "Số Giấy chứng nhận đăng ký hộ kinh doanh; ngày cấp; nơi cấp",
            "Địa chỉ trụ sở hộ kinh doanh",
            "Ngày chấm dứt hoạt động kinh doanh",
            "Lý do",
            "* Hộ kinh doanh cam kết đã hoàn thành các nghĩa vụ thuế và thanh toán đầy đủ các khoản nợ, kể cả "
            "nợ thuế, và chịu trách nhiệm trước pháp luật về tính chính xác, trung thực của nội dung Thông báo này.",
            "@@Chủ hộ kinh doanh",
        ],
    ),
    "don-de-nghi-doi-cap-lai-giay-phep-lai-xe": (
        "ĐƠN ĐỀ NGHỊ ĐỔI, CẤP LẠI GIẤY PHÉP LÁI XE",
        "Mẫu ban hành kèm theo Thông tư số 35/2024/TT-BCA của Bộ trưởng Bộ Công an",
        [
            "Kính gửi",
            "Tôi là",
            "Quốc tịch",
            "Ngày, tháng, năm sinh",
            "Số định danh cá nhân hoặc số hộ chiếu",
            "Nơi cư trú",
            "Số điện thoại",
            "Hiện đã có giấy phép lái xe số; hạng; cơ quan cấp; ngày cấp",
            "## Đề nghị:",
            "☐ Đổi giấy phép lái xe   ☐ Cấp lại giấy phép lái xe",
            "Lý do (hết hạn, bị hỏng, bị mất, thay đổi thông tin, giấy phép lái xe nước ngoài, ...)",
            "Hình thức nhận kết quả:   ☐ Trực tiếp   ☐ Dịch vụ bưu chính   ☐ Ứng dụng định danh quốc gia",
            "* Tôi xin cam đoan những điều ghi trên là đúng sự thật; giấy phép lái xe của tôi không trong thời "
            "gian bị tạm giữ, thu hồi, và tôi chịu trách nhiệm trước pháp luật về lời cam đoan của mình.",
            "@@Người làm đơn",
        ],
    ),
    "to-khai-yeu-cau-cap-phieu-ly-lich-tu-phap": (
        "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP",
        "Mẫu số 03/2013/TT-LLTP ban hành kèm theo Thông tư số 16/2013/TT-BTP ngày 11/11/2013 của Bộ trưởng "
        "Bộ Tư pháp",
        [
            "Kính gửi",
            "1. Họ và tên",
            "2. Tên gọi khác (nếu có)",
            "3. Giới tính",
            "4. Ngày, tháng, năm sinh",
            "5. Nơi sinh",
            "6. Quốc tịch",
            "7. Nơi thường trú",
            "8. Nơi tạm trú",
            "9. Số định danh cá nhân/Hộ chiếu; ngày cấp; nơi cấp",
            "10. Họ và tên cha",
            "11. Họ và tên mẹ",
            "12. Họ và tên vợ/chồng",
            "13. Số điện thoại/Email",
            "## Quá trình cư trú của bản thân (tính từ khi đủ 14 tuổi):",
            "|Từ tháng, năm đến tháng, năm|Nơi cư trú|Nghề nghiệp, nơi làm việc",
            "## Tình trạng án tích:",
            "☐ Không có án tích   ☐ Có án tích (ghi rõ bản án, tội danh)",
            "Yêu cầu cấp:   ☐ Phiếu lý lịch tư pháp số 1   ☐ Phiếu lý lịch tư pháp số 2",
            "Yêu cầu xác nhận về việc cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã:   "
            "☐ Có   ☐ Không",
            "Mục đích sử dụng Phiếu lý lịch tư pháp",
            "Số lượng Phiếu lý lịch tư pháp yêu cầu cấp",
            "* Tôi xin cam đoan những lời khai trên là đúng sự thật và chịu trách nhiệm về lời khai của mình.",
            "@@Người khai",
        ],
    ),
    "don-de-nghi-cap-giay-phep-xay-dung-nha-o-rieng-le": (
        "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG\n(Sử dụng cho nhà ở riêng lẻ)",
        "Mẫu số 01 Phụ lục II ban hành kèm theo Nghị định số 175/2024/NĐ-CP ngày 30/12/2024 của Chính phủ",
        [
            "Kính gửi",
            "## 1. Thông tin về chủ đầu tư",
            "Tên chủ đầu tư (tên chủ hộ)",
            "Người đại diện; chức vụ (nếu có)",
            "Địa chỉ liên hệ (số nhà, đường/phố, xã/phường, tỉnh/thành phố)",
            "Số điện thoại",
            "## 2. Thông tin công trình",
            "Địa điểm xây dựng: lô đất số; diện tích (m²)",
            "Tại (số nhà, đường/phố, xã/phường, tỉnh/thành phố)",
            "## 3. Tổ chức, cá nhân lập, thẩm tra thiết kế xây dựng",
            "Tên tổ chức/cá nhân; mã số chứng chỉ năng lực/chứng chỉ hành nghề",
            "Chủ nhiệm, chủ trì thiết kế",
            "## 4. Nội dung đề nghị cấp phép",
            "Loại công trình; cấp công trình",
            "Diện tích xây dựng tầng 1 (tầng trệt) (m²)",
            "Tổng diện tích sàn (m²) (ghi rõ diện tích sàn tầng hầm, tầng trên mặt đất, tầng lửng, tum)",
            "Chiều cao công trình (m)",
            "Số tầng (ghi rõ số tầng hầm, tầng trên mặt đất, tầng lửng, tum)",
            "Dự kiến thời gian hoàn thành công trình",
            "* Tôi xin cam đoan làm theo đúng giấy phép được cấp, nếu sai tôi xin hoàn toàn chịu trách nhiệm và "
            "bị xử lý theo quy định của pháp luật.",
            "@@Người làm đơn",
        ],
    ),
    "to-khai-can-cuoc-cc01": (
        "TỜ KHAI CĂN CƯỚC",
        "Mẫu CC01 ban hành kèm theo Thông tư số 17/2024/TT-BCA ngày 15/5/2024 của Bộ trưởng Bộ Công an",
        [
            "1. Họ, chữ đệm và tên khai sinh",
            "2. Họ, chữ đệm và tên gọi khác (nếu có)",
            "3. Ngày, tháng, năm sinh",
            "4. Giới tính",
            "5. Số định danh cá nhân",
            "6. Dân tộc; Tôn giáo; Quốc tịch",
            "7. Tình trạng hôn nhân; Nhóm máu (nếu có)",
            "8. Nơi đăng ký khai sinh",
            "9. Quê quán",
            "10. Nơi thường trú",
            "11. Nơi tạm trú",
            "12. Nơi ở hiện tại",
            "13. Nghề nghiệp",
            "14. Họ, chữ đệm và tên, quốc tịch, số định danh cá nhân của cha",
            "15. Họ, chữ đệm và tên, quốc tịch, số định danh cá nhân của mẹ",
            "16. Họ, chữ đệm và tên, quốc tịch, số định danh cá nhân của vợ/chồng",
            "17. Người đại diện hợp pháp (nếu có)",
            "18. Số điện thoại; thư điện tử",
            "## 19. Yêu cầu của công dân:",
            "☐ Cấp thẻ căn cước   ☐ Cấp đổi thẻ căn cước   ☐ Cấp lại thẻ căn cước   ☐ Điều chỉnh thông tin",
            "* Tôi xin cam đoan những thông tin kê khai trên là đúng sự thật.",
            "@@Người khai",
        ],
    ),
    "to-khai-de-nghi-cap-ho-chieu-tk01": (
        "TỜ KHAI ĐỀ NGHỊ CẤP HỘ CHIẾU PHỔ THÔNG\n(Dùng cho công dân Việt Nam ở trong nước)",
        "Mẫu TK01 ban hành kèm theo Thông tư số 31/2023/TT-BCA của Bộ trưởng Bộ Công an",
        [
            "1. Họ, chữ đệm và tên (viết chữ in hoa)",
            "2. Giới tính",
            "3. Sinh ngày ... tháng ... năm ...; nơi sinh (tỉnh, thành phố)",
            "4. Số định danh cá nhân",
            "5. Dân tộc; Tôn giáo",
            "6. Số điện thoại; Email",
            "7. Nghề nghiệp",
            "8. Nơi thường trú",
            "9. Nơi tạm trú",
            "10. Họ và tên cha; ngày sinh",
            "11. Họ và tên mẹ; ngày sinh",
            "12. Họ và tên vợ/chồng; ngày sinh",
            "13. Hộ chiếu phổ thông đã được cấp gần nhất (nếu có): số; ngày cấp",
            "## 14. Nội dung đề nghị:",
            "☐ Cấp hộ chiếu lần đầu   ☐ Cấp hộ chiếu từ lần thứ hai",
            "☐ Hộ chiếu có gắn chíp điện tử   ☐ Hộ chiếu không gắn chíp điện tử",
            "15. Nhận kết quả:   ☐ Trực tiếp   ☐ Qua dịch vụ bưu chính (ghi rõ địa chỉ)",
            "* Tôi xin cam đoan những thông tin trên là đúng sự thật.",
            "@@Người đề nghị",
        ],
    ),
    "to-khai-tham-gia-bhxh-bhyt-tk1-ts": (
        "TỜ KHAI THAM GIA, ĐIỀU CHỈNH THÔNG TIN BẢO HIỂM XÃ HỘI, BẢO HIỂM Y TẾ",
        "Mẫu TK1-TS ban hành kèm theo Quyết định số 595/QĐ-BHXH ngày 14/4/2017 của Tổng Giám đốc Bảo hiểm "
        "xã hội Việt Nam (đã được sửa đổi, bổ sung)",
        [
            "## I. Áp dụng đối với người tham gia chưa được cấp mã số bảo hiểm xã hội",
            "1. Họ và tên (viết chữ in hoa)",
            "2. Ngày, tháng, năm sinh; Giới tính",
            "3. Quốc tịch; Dân tộc",
            "4. Nơi đăng ký khai sinh",
            "5. Số định danh cá nhân",
            "6. Số điện thoại liên hệ",
            "7. Địa chỉ nhận kết quả",
            "8. Họ tên cha, mẹ hoặc người giám hộ (đối với trẻ em dưới 6 tuổi)",
            "## II. Áp dụng đối với người tham gia đã có mã số bảo hiểm xã hội",
            "Mã số bảo hiểm xã hội",
            "Nội dung thay đổi, yêu cầu",
            "Hồ sơ kèm theo (nếu có)",
            "## III. Nơi đăng ký khám bệnh, chữa bệnh ban đầu",
            "Tên cơ sở khám bệnh, chữa bệnh",
            "Mức tiền đóng; phương thức đóng",
            "* Tôi cam đoan những nội dung kê khai là đúng và chịu trách nhiệm trước pháp luật về những nội dung "
            "đã kê khai.",
            "@@Người kê khai",
        ],
    ),
    "de-nghi-huong-tro-cap-that-nghiep": (
        "ĐỀ NGHỊ HƯỞNG TRỢ CẤP THẤT NGHIỆP",
        "Mẫu số 03 ban hành kèm theo Thông tư số 28/2015/TT-BLĐTBXH ngày 31/7/2015 của Bộ trưởng Bộ Lao động "
        "- Thương binh và Xã hội (đã được sửa đổi, bổ sung)",
        [
            "Kính gửi: Trung tâm Dịch vụ việc làm",
            "Tên tôi là",
            "Sinh ngày ... tháng ... năm ...; Giới tính",
            "Số định danh cá nhân; ngày cấp; nơi cấp",
            "Số sổ bảo hiểm xã hội",
            "Số điện thoại; Email (nếu có)",
            "Dân tộc; Tôn giáo",
            "Số tài khoản; tại ngân hàng",
            "Trình độ đào tạo; ngành nghề đào tạo",
            "Nơi thường trú",
            "Chỗ ở hiện nay (trường hợp khác nơi thường trú)",
            "Ngày ... tháng ... năm ..., tôi đã chấm dứt hợp đồng lao động/hợp đồng làm việc với (tên đơn vị)",
            "Tại địa chỉ",
            "Lý do chấm dứt hợp đồng lao động/hợp đồng làm việc",
            "Loại hợp đồng lao động/hợp đồng làm việc",
            "Số tháng đóng bảo hiểm thất nghiệp",
            "Nơi đề nghị nhận trợ cấp thất nghiệp",
            "* Tôi cam đoan nội dung ghi trên là hoàn toàn đúng sự thật, nếu sai tôi sẽ chịu trách nhiệm trước "
            "pháp luật.",
            "@@Người đề nghị",
        ],
    ),
    "to-khai-dang-ky-thue-05-dk-tct": (
        "TỜ KHAI ĐĂNG KÝ THUẾ\n(Dùng cho cá nhân không kinh doanh)",
        "Mẫu số 05-ĐK-TCT ban hành kèm theo Thông tư số 86/2024/TT-BTC của Bộ trưởng Bộ Tài chính",
        [
            "Kính gửi: Cơ quan thuế",
            "1. Tên người nộp thuế",
            "2. Ngày sinh; Giới tính",
            "3. Quốc tịch",
            "4. Số định danh cá nhân hoặc số hộ chiếu",
            "5. Địa chỉ đăng ký thường trú",
            "6. Địa chỉ cư trú hiện tại",
            "7. Điện thoại liên hệ; Email",
            "8. Cơ quan chi trả thu nhập (tên, mã số thuế)",
            "## 9. Giấy tờ của cá nhân (chỉ kê khai nếu chưa có số định danh cá nhân)",
            "Loại giấy tờ; số; ngày cấp; nơi cấp",
            "* Tôi cam đoan những nội dung kê khai là đúng và chịu trách nhiệm trước pháp luật về những nội dung "
            "đã khai.",
            "@@Người nộp thuế hoặc đại diện hợp pháp của người nộp thuế",
        ],
    ),
    "don-dang-ky-dat-dai-04-dk": (
        "ĐƠN ĐĂNG KÝ ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT",
        "Mẫu số 04/ĐK ban hành kèm theo Nghị định số 101/2024/NĐ-CP ngày 29/7/2024 của Chính phủ",
        [
            "Kính gửi",
            "## I. Phần kê khai của người đăng ký",
            "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất (họ tên, năm sinh, số định danh cá nhân)",
            "Địa chỉ",
            "2. Đề nghị:   ☐ Đăng ký đất đai   ☐ Đăng ký tài sản gắn liền với đất   ☐ Cấp Giấy chứng nhận",
            "## 3. Thửa đất đăng ký",
            "Thửa đất số; tờ bản đồ số",
            "Địa chỉ thửa đất",
            "Diện tích (m²); sử dụng chung (m²); sử dụng riêng (m²)",
            "Loại đất, mục đích sử dụng",
            "Thời điểm bắt đầu sử dụng đất",
            "Nguồn gốc sử dụng đất",
            "## 4. Tài sản gắn liền với đất (nếu có)",
            "Loại nhà ở, công trình xây dựng",
            "Diện tích xây dựng (m²); diện tích sàn (m²)",
            "Kết cấu; số tầng; năm hoàn thành xây dựng",
            "5. Những giấy tờ nộp kèm theo",
            "6. Có nhu cầu ghi nợ nghĩa vụ tài chính:   ☐ Có   ☐ Không",
            "* Tôi xin cam đoan nội dung kê khai trên đơn là đúng sự thật, nếu sai tôi hoàn toàn chịu trách nhiệm "
            "trước pháp luật.",
            "@@Người viết đơn",
        ],
    ),
    "giay-de-nghi-dang-ky-cong-ty-tnhh-mot-thanh-vien": (
        "GIẤY ĐỀ NGHỊ ĐĂNG KÝ CÔNG TY TRÁCH NHIỆM HỮU HẠN MỘT THÀNH VIÊN",
        "Mẫu Phụ lục I-2 " + DKKD,
        [
            "Kính gửi: Phòng Đăng ký kinh doanh",
            "Tôi là (ghi họ tên bằng chữ in hoa)",
            "Là người đại diện theo pháp luật; số định danh cá nhân",
            "## Đăng ký công ty trách nhiệm hữu hạn một thành viên với các nội dung sau:",
            "☐ Thành lập mới   ☐ Thành lập trên cơ sở tách, chia, hợp nhất   ☐ Chuyển đổi loại hình",
            "1. Tên công ty viết bằng tiếng Việt",
            "Tên công ty viết bằng tiếng nước ngoài; tên viết tắt (nếu có)",
            "2. Địa chỉ trụ sở chính",
            "Điện thoại; Email; Website (nếu có)",
            "3. Ngành, nghề kinh doanh:",
            "|STT|Tên ngành|Mã ngành (cấp 4)",
            "4. Chủ sở hữu:   ☐ Cá nhân   ☐ Tổ chức",
            "5. Vốn điều lệ (bằng số, bằng chữ, VNĐ)",
            "6. Nguồn vốn điều lệ",
            "7. Thông tin đăng ký thuế (giám đốc, kế toán trưởng, địa chỉ nhận thông báo thuế, ngày bắt đầu "
            "hoạt động, năm tài chính, số lao động dự kiến)",
            "8. Phương thức đóng bảo hiểm xã hội:   ☐ Hằng tháng   ☐ 03 tháng một lần   ☐ 06 tháng một lần",
            "* Tôi cam kết chịu trách nhiệm trước pháp luật về tính hợp pháp, chính xác, trung thực của hồ sơ "
            "đăng ký doanh nghiệp.",
            "@@Người đại diện theo pháp luật của công ty",
        ],
    ),
    "thong-bao-tam-ngung-kinh-doanh-doanh-nghiep": (
        "THÔNG BÁO VỀ VIỆC TẠM NGỪNG KINH DOANH/TIẾP TỤC KINH DOANH TRƯỚC THỜI HẠN ĐÃ THÔNG BÁO",
        "Mẫu Phụ lục II-19 " + DKKD,
        [
            "Kính gửi: Phòng Đăng ký kinh doanh",
            "Tên doanh nghiệp (ghi bằng chữ in hoa)",
            "Mã số doanh nghiệp/Mã số thuế",
            "Đơn vị đăng ký:   ☐ Doanh nghiệp   ☐ Chi nhánh   ☐ Văn phòng đại diện   ☐ Địa điểm kinh doanh",
            "Tên, mã số đơn vị phụ thuộc hoặc địa điểm kinh doanh (nếu có)",
            "Thời gian tạm ngừng kinh doanh: từ ngày ... đến ngày ...",
            "Thời điểm tiếp tục kinh doanh trước thời hạn (nếu có)",
            "Lý do",
            "* Doanh nghiệp cam kết về tính hợp pháp, chính xác và trung thực của nội dung Thông báo này.",
            "@@Người đại diện theo pháp luật của doanh nghiệp",
        ],
    ),
    "thong-bao-giai-the-doanh-nghiep": (
        "THÔNG BÁO VỀ VIỆC GIẢI THỂ DOANH NGHIỆP",
        "Mẫu Phụ lục II-22 " + DKKD,
        [
            "Kính gửi: Phòng Đăng ký kinh doanh",
            "Tên doanh nghiệp (ghi bằng chữ in hoa)",
            "Mã số doanh nghiệp/Mã số thuế",
            "☐ Giải thể theo quyết định của doanh nghiệp   ☐ Giải thể theo quyết định của Tòa án hoặc do bị thu "
            "hồi Giấy chứng nhận đăng ký doanh nghiệp",
            "Lý do giải thể",
            "Thời hạn, thủ tục thanh lý hợp đồng và thanh toán các khoản nợ",
            "Phương án xử lý các nghĩa vụ phát sinh từ hợp đồng lao động",
            "* Doanh nghiệp cam kết đã thanh toán hết các khoản nợ, nghĩa vụ tài sản khác và chịu trách nhiệm "
            "trước pháp luật về tính chính xác, trung thực của nội dung Thông báo này.",
            "@@Người đại diện theo pháp luật của doanh nghiệp",
        ],
    ),
    "to-khai-quyet-toan-thue-tncn-05-qtt": (
        "TỜ KHAI QUYẾT TOÁN THUẾ THU NHẬP CÁ NHÂN\n"
        "(Áp dụng cho tổ chức, cá nhân trả thu nhập từ tiền lương, tiền công)",
        "Mẫu số 05/QTT-TNCN ban hành kèm theo Thông tư số 80/2021/TT-BTC ngày 29/9/2021 của Bộ trưởng Bộ "
        "Tài chính",
        [
            "[01] Kỳ tính thuế: Năm",
            "[02] Lần đầu ☐   [03] Bổ sung lần thứ",
            "[04] Tên người nộp thuế",
            "[05] Mã số thuế",
            "[06] Địa chỉ",
            "[07] Điện thoại; Email",
            "[08] Tên đại lý thuế (nếu có); mã số thuế",
            "|Chỉ tiêu|Mã chỉ tiêu|Số người/Số tiền (đồng)",
            "||Tổng số người lao động|[16]",
            "||Tổng thu nhập chịu thuế trả cho cá nhân|[20]",
            "||Tổng số người thuộc diện khấu trừ thuế|[23]",
            "||Tổng số thuế thu nhập cá nhân đã khấu trừ|[28]",
            "* Tôi cam đoan số liệu khai trên là đúng và chịu trách nhiệm trước pháp luật về số liệu đã khai.",
            "@@Người nộp thuế hoặc đại diện hợp pháp của người nộp thuế",
        ],
    ),
}

CSS = """
@page { size: A4; margin: 16mm 18mm 16mm 20mm; }
body { font-family: "DejaVu Sans"; font-size: 9.5pt; line-height: 1.45; color: #000; }
.ref { text-align: right; font-size: 7.5pt; font-style: italic; margin: 0 0 6mm 40%; }
.nation { text-align: center; font-weight: bold; margin: 0; }
.motto { text-align: center; font-weight: bold; margin: 0; }
.motto span { border-bottom: 0.8pt solid #000; padding-bottom: 1pt; }
h1 { text-align: center; font-size: 12pt; margin: 7mm 0 1mm; }
.subtitle { text-align: center; font-style: italic; margin: 0 0 5mm; }
/* Dotted fill-in lines as leader text: cheap in the PDF and how the printed forms look. */
.field { margin: 1.6mm 0; }
.field::after { content: leader("."); }
h2 { font-size: 9.5pt; font-weight: bold; margin: 3.5mm 0 1mm; }
p.text { margin: 2mm 0; text-align: justify; }
p.boxes { margin: 1.6mm 0; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0; font-size: 8.5pt; }
th, td { border: 0.6pt solid #000; padding: 1.2mm; vertical-align: top; }
td { height: 5mm; }
.place { text-align: right; font-style: italic; margin: 5mm 0 2mm; }
.signs { display: flex; justify-content: space-around; margin-top: 1mm; }
.sign { text-align: center; flex: 1; padding: 0 2mm; }
.sign b { display: block; }
.sign i { font-size: 8pt; }
.sign .space { height: 20mm; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _field(label: str) -> str:
    if label.endswith(":"):  # an introduction to what follows (a table, a list), not a blank to fill in
        return f'<p class="text">{_e(label)}</p>'
    return f'<div class="field">{_e(label)}: </div>'


def _table(header: list[str], rows: list[list[str]]) -> str:
    width = len(header)
    if not rows:
        rows = [[] for _ in range(3)]
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in (row + [""] * width)[:width]) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _signatures(spec: str) -> str:
    blocks = []
    for signer in spec.split(";"):
        blocks.append(
            f'<div class="sign"><b>{_e(signer.upper())}</b><i>(Ký, ghi rõ họ, chữ đệm, tên)</i>'
            '<div class="space"></div></div>'
        )
    place = (
        "Làm tại: ............................................, ngày ....... tháng ....... năm ..........."
    )
    return f'<p class="place">{_e(place)}</p><div class="signs">{"".join(blocks)}</div>'


def render_html(title: str, reference: str, fields: list[str]) -> str:
    title_lines = title.split("\n")
    parts = [
        f'<p class="ref">{_e(reference)}</p>',
        '<p class="nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>',
        '<p class="motto"><span>Độc lập - Tự do - Hạnh phúc</span></p>',
        f"<h1>{_e(title_lines[0])}</h1>",
    ]
    parts += [f'<p class="subtitle">{_e(line)}</p>' for line in title_lines[1:]]
    table: tuple[list[str], list[list[str]]] | None = None
    for item in fields:
        if item.startswith("||"):
            assert table is not None, f"table row without header: {item}"
            table[1].append(item[2:].split("|"))
            continue
        if table is not None:
            parts.append(_table(*table))
            table = None
        if item.startswith("|"):
            table = (item[1:].split("|"), [])
        elif item.startswith("## "):
            parts.append(f"<h2>{_e(item[3:])}</h2>")
        elif item.startswith("* "):
            parts.append(f'<p class="text">{_e(item[2:])}</p>')
        elif "☐" in item:
            parts.append(f'<p class="boxes">{_e(item)}</p>')
        elif item.startswith("@@"):
            parts.append(_signatures(item[2:]))
        else:
            parts.append(_field(item))
    if table is not None:
        parts.append(_table(*table))
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{_e(' '.join(title_lines))}</title><style>{CSS}</style></head><body>{body}</body></html>"
    )


def _no_fetch(url: str, *args, **kwargs):
    # The forms reference no external resource; refuse anything rather than fetch it.
    raise ValueError(f"refusing to fetch {url!r}")


def build(out_dir: Path = OUT_DIR) -> list[Path]:
    from weasyprint import HTML  # imported lazily: heavy, and only needed here

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for slug, (title, reference, fields) in FORMS.items():
        document = unicodedata.normalize("NFC", render_html(title, reference, fields))
        path = out_dir / f"{slug}.pdf"
        HTML(string=document, url_fetcher=_no_fetch).write_pdf(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(f"{path.stat().st_size:>7} {path.name}", file=sys.stdout)
