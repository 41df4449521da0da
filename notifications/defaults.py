"""Default wording of every message the portal sends (nội dung mặc định của thông báo).

These texts seed the editable notification templates; staff may change them later in the admin.
Each event has a short Vietnamese ``name`` and ``description`` for the admin, the ``placeholders``
it may use, and four texts per language (``vi``, ``en``): ``email_subject``, ``email_text``,
``email_html`` and ``sms_text``.

Conventions the renderer and editors rely on:

- Placeholders are written ``{{ name }}`` (two braces, one space each side) and only the names in
  the event's ``placeholders`` are filled; there is no other template syntax (no tags, no filters).
- ``items`` is the list as one string (the caller joins the entries, e.g. with "; "); it stands in
  its own paragraph so a longer list stays readable. No SMS uses it: the link leads to the details.
- ``date`` and ``due_date`` are formatted by the caller in the recipient's language, with the time
  where it matters (e.g. "17:00 ngày 28/11/2026", "5pm on 28 November 2026").
- ``note`` is a short phrase in the recipient's language, written to fit the sentence it sits in
  (account_changed: "mật khẩu" / "password"; result_ready: how the result will be delivered).
- HTML uses only ``p``, ``strong``, ``a``, ``ul`` and ``li``, no styles; it says the same as the
  plain text.
- SMS texts are written with full diacritics; the portal folds them to unaccented GSM-7 before
  sending. Each must fit in two GSM-7 segments (306 characters) with realistic values, and the
  security code SMS in one (160), code first.
"""

DEFAULT_TEMPLATES: dict[str, dict] = {
    "security_code": {
        "name": "Mã xác thực",
        "description": (
            "Mã 6 chữ số gửi khi đăng ký, đăng nhập, đặt lại mật khẩu hoặc xác minh số điện thoại, email."
        ),
        "placeholders": ["code", "minutes"],
        "vi": {
            "email_subject": "Mã xác thực Cổng Dịch vụ công",
            "email_text": (
                "Kính gửi Ông/Bà,\n\n"
                "Mã xác thực của Ông/Bà là: {{ code }}\n\n"
                "Mã có hiệu lực trong {{ minutes }} phút và chỉ dùng được một lần.\n\n"
                "Vì an toàn của Ông/Bà, tuyệt đối không cung cấp mã này cho bất kỳ ai. Cán bộ, công chức "
                "và nhân viên hỗ trợ không bao giờ hỏi mã xác thực, dù qua điện thoại, tin nhắn hay mạng "
                "xã hội.\n\n"
                "Nếu Ông/Bà không yêu cầu mã này, có thể ai đó đã nhập nhầm thông tin. Ông/Bà chỉ cần bỏ "
                "qua thư này.\n\n"
                "Trân trọng.\n\n"
                "Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy gọi tổng đài ghi ở cuối trang Cổng Dịch vụ công hoặc đến Bộ phận Một cửa gần "
                "nhất.\n"
            ),
            "email_html": (
                "<p>Kính gửi Ông/Bà,</p>\n"
                "<p>Mã xác thực của Ông/Bà là: <strong>{{ code }}</strong></p>\n"
                "<p>Mã có hiệu lực trong {{ minutes }} phút và chỉ dùng được một lần.</p>\n"
                "<p>Vì an toàn của Ông/Bà, <strong>tuyệt đối không cung cấp mã này cho bất kỳ ai</strong>. "
                "Cán bộ, công chức và nhân viên hỗ trợ không bao giờ hỏi mã xác thực, dù qua điện thoại, "
                "tin nhắn hay mạng xã hội.</p>\n"
                "<p>Nếu Ông/Bà không yêu cầu mã này, có thể ai đó đã nhập nhầm thông tin. Ông/Bà chỉ cần bỏ "
                "qua thư này.</p>\n"
                "<p>Trân trọng.</p>\n"
                "<p>Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy gọi tổng đài ghi ở cuối trang Cổng Dịch vụ công hoặc đến Bộ phận Một cửa gần "
                "nhất.</p>\n"
            ),
            "sms_text": (
                "{{ code }} là mã xác thực Cổng DVC, hiệu lực {{ minutes }} phút. Tuyệt đối không đưa mã "
                "cho ai, kể cả người xưng là cán bộ."
            ),
        },
        "en": {
            "email_subject": "Your Public Service Portal security code",
            "email_text": (
                "Hello,\n\n"
                "Your security code is: {{ code }}\n\n"
                "The code expires in {{ minutes }} minutes and can only be used once.\n\n"
                "To keep your account safe, do not share this code with anyone. Government staff and our "
                "support team will never ask you for it, by phone, text message or social media.\n\n"
                "If you did not ask for this code, someone may have typed your details by mistake. You can "
                "ignore this email.\n\n"
                "This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not reply "
                "to it. If you need help, call the helpline shown at the bottom of every page of the portal, "
                "or go to your nearest one-stop shop (Bộ phận Một cửa).\n"
            ),
            "email_html": (
                "<p>Hello,</p>\n"
                "<p>Your security code is: <strong>{{ code }}</strong></p>\n"
                "<p>The code expires in {{ minutes }} minutes and can only be used once.</p>\n"
                "<p>To keep your account safe, <strong>do not share this code with anyone</strong>. "
                "Government staff and our support team will never ask you for it, by phone, text message or "
                "social media.</p>\n"
                "<p>If you did not ask for this code, someone may have typed your details by mistake. You can "
                "ignore this email.</p>\n"
                "<p>This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not "
                "reply to it. If you need help, call the helpline shown at the bottom of every page of the "
                "portal, or go to your nearest one-stop shop (Bộ phận Một cửa).</p>\n"
            ),
            "sms_text": (
                "{{ code }} is your Cổng DVC security code. It expires in {{ minutes }} minutes. Never share "
                "it, even with someone who says they are an official."
            ),
        },
    },
    "account_changed": {
        "name": "Thay đổi thông tin tài khoản",
        "description": (
            "Báo khi mật khẩu, số điện thoại hoặc email của tài khoản được thay đổi. note: thông tin nào "
            "đã đổi (ví dụ \u201cmật khẩu\u201d); date: thời điểm thay đổi; link: trang đặt lại mật khẩu."
        ),
        "placeholders": ["full_name", "note", "date", "link"],
        "vi": {
            "email_subject": "Tài khoản Cổng Dịch vụ công vừa được đổi {{ note }}",
            "email_text": (
                "Kính gửi {{ full_name }},\n\n"
                "Tài khoản của Ông/Bà trên Cổng Dịch vụ công vừa được đổi {{ note }} lúc {{ date }}.\n\n"
                "Nếu chính Ông/Bà đã thực hiện thay đổi này, Ông/Bà không cần làm gì thêm.\n\n"
                "Nếu không phải Ông/Bà, xin hãy làm ngay:\n"
                "- đặt lại mật khẩu tại {{ link }}\n"
                "- gọi tổng đài hỗ trợ (số điện thoại ghi ở cuối trang Cổng Dịch vụ công) để được giúp bảo "
                "vệ tài khoản.\n\n"
                "Không bao giờ cung cấp mật khẩu hay mã xác thực cho bất kỳ ai.\n\n"
                "Trân trọng.\n\n"
                "Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy gọi tổng đài ghi ở cuối trang Cổng Dịch vụ công hoặc đến Bộ phận Một cửa gần "
                "nhất.\n"
            ),
            "email_html": (
                "<p>Kính gửi {{ full_name }},</p>\n"
                "<p>Tài khoản của Ông/Bà trên Cổng Dịch vụ công vừa được đổi <strong>{{ note }}</strong> "
                "lúc {{ date }}.</p>\n"
                "<p>Nếu chính Ông/Bà đã thực hiện thay đổi này, Ông/Bà không cần làm gì thêm.</p>\n"
                "<p><strong>Nếu không phải Ông/Bà</strong>, xin hãy làm ngay:</p>\n"
                "<ul>\n"
                '<li>đặt lại mật khẩu tại <a href="{{ link }}">{{ link }}</a></li>\n'
                "<li>gọi tổng đài hỗ trợ (số điện thoại ghi ở cuối trang Cổng Dịch vụ công) để được giúp "
                "bảo vệ tài khoản.</li>\n"
                "</ul>\n"
                "<p>Không bao giờ cung cấp mật khẩu hay mã xác thực cho bất kỳ ai.</p>\n"
                "<p>Trân trọng.</p>\n"
                "<p>Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy gọi tổng đài ghi ở cuối trang Cổng Dịch vụ công hoặc đến Bộ phận Một cửa gần "
                "nhất.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Tài khoản của Ông/Bà vừa được đổi {{ note }} lúc {{ date }}. Nếu không phải "
                "Ông/Bà, hãy đặt lại mật khẩu ngay tại {{ link }} và gọi tổng đài hỗ trợ."
            ),
        },
        "en": {
            "email_subject": "Your Public Service Portal {{ note }} was changed",
            "email_text": (
                "Dear {{ full_name }},\n\n"
                "The {{ note }} for your Cổng Dịch vụ công account was changed at {{ date }}.\n\n"
                "If you made this change, you do not need to do anything.\n\n"
                "If you did not make this change, act now:\n"
                "- reset your password at {{ link }}\n"
                "- call the helpline shown at the bottom of every page of the portal so we can help you "
                "secure your account\n\n"
                "Never share your password or security codes with anyone.\n\n"
                "This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not reply "
                "to it. If you need help, call the helpline shown at the bottom of every page of the portal, "
                "or go to your nearest one-stop shop (Bộ phận Một cửa).\n"
            ),
            "email_html": (
                "<p>Dear {{ full_name }},</p>\n"
                "<p>The <strong>{{ note }}</strong> for your Cổng Dịch vụ công account was changed at "
                "{{ date }}.</p>\n"
                "<p>If you made this change, you do not need to do anything.</p>\n"
                "<p><strong>If you did not make this change</strong>, act now:</p>\n"
                "<ul>\n"
                '<li>reset your password at <a href="{{ link }}">{{ link }}</a></li>\n'
                "<li>call the helpline shown at the bottom of every page of the portal so we can help you "
                "secure your account</li>\n"
                "</ul>\n"
                "<p>Never share your password or security codes with anyone.</p>\n"
                "<p>This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not "
                "reply to it. If you need help, call the helpline shown at the bottom of every page of the "
                "portal, or go to your nearest one-stop shop (Bộ phận Một cửa).</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: The {{ note }} for your account was changed at {{ date }}. If this was not you, "
                "reset your password now at {{ link }} and call the helpline."
            ),
        },
    },
    "dossier_submitted": {
        "name": "Đã nộp hồ sơ trực tuyến",
        "description": (
            "Xác nhận người dân đã nộp hồ sơ trực tuyến thành công; Bộ phận Một cửa sẽ tiếp nhận hoặc trả "
            "lời trong 8 giờ làm việc."
        ),
        "placeholders": ["full_name", "dossier_code", "procedure_name", "agency_name", "link"],
        "vi": {
            "email_subject": "Đã nộp thành công hồ sơ {{ dossier_code }}",
            "email_text": (
                "Kính gửi {{ full_name }},\n\n"
                "Ông/Bà đã nộp thành công hồ sơ trực tuyến:\n"
                "- Mã hồ sơ: {{ dossier_code }}\n"
                "- Thủ tục: {{ procedure_name }}\n"
                "- Nơi tiếp nhận: {{ agency_name }}\n\n"
                "Bộ phận Một cửa sẽ kiểm tra và tiếp nhận hồ sơ, hoặc trả lời Ông/Bà, trong vòng 8 giờ làm "
                "việc (không tính ngày nghỉ cuối tuần và ngày lễ, Tết). Nếu hồ sơ còn thiếu, cơ quan sẽ "
                "hướng dẫn cụ thể những gì cần bổ sung.\n\n"
                "Ông/Bà hãy giữ lại mã hồ sơ để tra cứu. Theo dõi tình trạng hồ sơ bất cứ lúc nào tại:\n"
                "{{ link }}\n\n"
                "Trân trọng.\n\n"
                "Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.\n"
            ),
            "email_html": (
                "<p>Kính gửi {{ full_name }},</p>\n"
                "<p>Ông/Bà đã nộp thành công hồ sơ trực tuyến:</p>\n"
                "<ul>\n"
                "<li>Mã hồ sơ: <strong>{{ dossier_code }}</strong></li>\n"
                "<li>Thủ tục: {{ procedure_name }}</li>\n"
                "<li>Nơi tiếp nhận: {{ agency_name }}</li>\n"
                "</ul>\n"
                "<p>Bộ phận Một cửa sẽ kiểm tra và tiếp nhận hồ sơ, hoặc trả lời Ông/Bà, trong vòng "
                "<strong>8 giờ làm việc</strong> (không tính ngày nghỉ cuối tuần và ngày lễ, Tết). Nếu hồ sơ "
                "còn thiếu, cơ quan sẽ hướng dẫn cụ thể những gì cần bổ sung.</p>\n"
                "<p>Ông/Bà hãy giữ lại mã hồ sơ để tra cứu. Theo dõi tình trạng hồ sơ bất cứ lúc nào tại: "
                '<a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>Trân trọng.</p>\n"
                "<p>Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Đã nộp hồ sơ {{ dossier_code }} đến {{ agency_name }}. Cơ quan sẽ tiếp nhận "
                "hoặc trả lời trong 8 giờ làm việc. Theo dõi tại {{ link }}"
            ),
        },
        "en": {
            "email_subject": "Application {{ dossier_code }} sent",
            "email_text": (
                "Dear {{ full_name }},\n\n"
                "You have sent your application online:\n"
                "- Application reference: {{ dossier_code }}\n"
                "- Procedure: {{ procedure_name }}\n"
                "- Sent to: {{ agency_name }}\n\n"
                "The one-stop shop (Bộ phận Một cửa) will check your application. Within 8 working hours "
                "they will either accept it or tell you what to do next. Weekends and public holidays do not "
                "count. If anything is missing, they will tell you exactly what to add.\n\n"
                "Keep your application reference. You can check the progress of your application at any "
                "time:\n"
                "{{ link }}\n\n"
                "This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not reply "
                "to it. If you need help, contact the one-stop shop at {{ agency_name }}. You can find its "
                "address and phone number on the agency's page on the portal.\n"
            ),
            "email_html": (
                "<p>Dear {{ full_name }},</p>\n"
                "<p>You have sent your application online:</p>\n"
                "<ul>\n"
                "<li>Application reference: <strong>{{ dossier_code }}</strong></li>\n"
                "<li>Procedure: {{ procedure_name }}</li>\n"
                "<li>Sent to: {{ agency_name }}</li>\n"
                "</ul>\n"
                "<p>The one-stop shop (Bộ phận Một cửa) will check your application. Within "
                "<strong>8 working hours</strong> they will either accept it or tell you what to do next. "
                "Weekends and public holidays do not count. If anything is missing, they will tell you "
                "exactly what to add.</p>\n"
                "<p>Keep your application reference. You can check the progress of your application at any "
                'time: <a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not "
                "reply to it. If you need help, contact the one-stop shop at {{ agency_name }}. You can find "
                "its address and phone number on the agency's page on the portal.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Application {{ dossier_code }} sent to {{ agency_name }}. They will accept it or "
                "reply within 8 working hours. Track it at {{ link }}"
            ),
        },
    },
    "dossier_received": {
        "name": "Hồ sơ đã được tiếp nhận",
        "description": (
            "Gửi khi Bộ phận Một cửa tiếp nhận hồ sơ và cấp Giấy tiếp nhận hồ sơ và hẹn trả kết quả "
            "(Mẫu 01). due_date: ngày hẹn trả kết quả."
        ),
        "placeholders": ["full_name", "dossier_code", "procedure_name", "agency_name", "due_date", "link"],
        "vi": {
            "email_subject": "Hồ sơ {{ dossier_code }} đã được tiếp nhận",
            "email_text": (
                "Kính gửi {{ full_name }},\n\n"
                "Bộ phận Một cửa của {{ agency_name }} đã tiếp nhận hồ sơ của Ông/Bà:\n"
                "- Mã hồ sơ: {{ dossier_code }}\n"
                "- Thủ tục: {{ procedure_name }}\n"
                "- Ngày hẹn trả kết quả: {{ due_date }}\n\n"
                "Giấy tiếp nhận hồ sơ và hẹn trả kết quả đã có trên trang hồ sơ. Ông/Bà có thể xem, tải về "
                "và theo dõi tiến độ giải quyết tại:\n"
                "{{ link }}\n\n"
                "Nếu cơ quan cần Ông/Bà bổ sung giấy tờ hoặc nộp phí, lệ phí, chúng tôi sẽ báo ngay để "
                "Ông/Bà biết.\n\n"
                "Trân trọng.\n\n"
                "Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.\n"
            ),
            "email_html": (
                "<p>Kính gửi {{ full_name }},</p>\n"
                "<p>Bộ phận Một cửa của {{ agency_name }} đã tiếp nhận hồ sơ của Ông/Bà:</p>\n"
                "<ul>\n"
                "<li>Mã hồ sơ: <strong>{{ dossier_code }}</strong></li>\n"
                "<li>Thủ tục: {{ procedure_name }}</li>\n"
                "<li>Ngày hẹn trả kết quả: <strong>{{ due_date }}</strong></li>\n"
                "</ul>\n"
                "<p>Giấy tiếp nhận hồ sơ và hẹn trả kết quả đã có trên trang hồ sơ. Ông/Bà có thể xem, tải "
                'về và theo dõi tiến độ giải quyết tại: <a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>Nếu cơ quan cần Ông/Bà bổ sung giấy tờ hoặc nộp phí, lệ phí, chúng tôi sẽ báo ngay để "
                "Ông/Bà biết.</p>\n"
                "<p>Trân trọng.</p>\n"
                "<p>Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Hồ sơ {{ dossier_code }} đã được {{ agency_name }} tiếp nhận. Hẹn trả kết quả: "
                "{{ due_date }}. Chi tiết tại {{ link }}"
            ),
        },
        "en": {
            "email_subject": "Application {{ dossier_code }} accepted",
            "email_text": (
                "Dear {{ full_name }},\n\n"
                "The one-stop shop (Bộ phận Một cửa) at {{ agency_name }} has accepted your application:\n"
                "- Application reference: {{ dossier_code }}\n"
                "- Procedure: {{ procedure_name }}\n"
                "- Result due: {{ due_date }}\n\n"
                "Your receipt and appointment slip (Giấy tiếp nhận hồ sơ và hẹn trả kết quả) is on your "
                "application page. You can view and download it, and follow progress, at:\n"
                "{{ link }}\n\n"
                "If the agency needs more documents or a fee from you, we will tell you straight away.\n\n"
                "This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not reply "
                "to it. If you need help, contact the one-stop shop at {{ agency_name }}. You can find its "
                "address and phone number on the agency's page on the portal.\n"
            ),
            "email_html": (
                "<p>Dear {{ full_name }},</p>\n"
                "<p>The one-stop shop (Bộ phận Một cửa) at {{ agency_name }} has accepted your "
                "application:</p>\n"
                "<ul>\n"
                "<li>Application reference: <strong>{{ dossier_code }}</strong></li>\n"
                "<li>Procedure: {{ procedure_name }}</li>\n"
                "<li>Result due: <strong>{{ due_date }}</strong></li>\n"
                "</ul>\n"
                "<p>Your receipt and appointment slip (Giấy tiếp nhận hồ sơ và hẹn trả kết quả) is on your "
                "application page. You can view and download it, and follow progress, at: "
                '<a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>If the agency needs more documents or a fee from you, we will tell you straight "
                "away.</p>\n"
                "<p>This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not "
                "reply to it. If you need help, contact the one-stop shop at {{ agency_name }}. You can find "
                "its address and phone number on the agency's page on the portal.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: {{ agency_name }} has accepted application {{ dossier_code }}. Result due: "
                "{{ due_date }}. Details at {{ link }}"
            ),
        },
    },
    "supplement_requested": {
        "name": "Yêu cầu bổ sung hồ sơ",
        "description": (
            "Gửi khi cán bộ yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02). items: danh sách giấy tờ cần "
            "bổ sung; reason: lý do. Thời gian giải quyết tạm dừng đến khi người nộp bổ sung."
        ),
        "placeholders": [
            "full_name",
            "dossier_code",
            "procedure_name",
            "agency_name",
            "items",
            "reason",
            "link",
        ],
        "vi": {
            "email_subject": "Hồ sơ {{ dossier_code }} cần bổ sung giấy tờ",
            "email_text": (
                "Kính gửi {{ full_name }},\n\n"
                "Để tiếp tục giải quyết hồ sơ {{ dossier_code }} ({{ procedure_name }}), {{ agency_name }} "
                "cần Ông/Bà bổ sung các giấy tờ sau:\n\n"
                "{{ items }}\n\n"
                "Lý do: {{ reason }}\n\n"
                "Thời gian giải quyết hồ sơ tạm dừng cho đến khi Ông/Bà gửi đủ giấy tờ bổ sung; khoảng thời "
                "gian này không tính vào thời hạn giải quyết.\n\n"
                "Ông/Bà có thể xem Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ và gửi giấy tờ bổ sung trực "
                "tuyến tại:\n"
                "{{ link }}\n\n"
                "Trân trọng.\n\n"
                "Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu có điểm nào "
                "chưa rõ, Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại "
                "có trên trang của cơ quan tại Cổng Dịch vụ công.\n"
            ),
            "email_html": (
                "<p>Kính gửi {{ full_name }},</p>\n"
                "<p>Để tiếp tục giải quyết hồ sơ <strong>{{ dossier_code }}</strong> ({{ procedure_name }}), "
                "{{ agency_name }} cần Ông/Bà bổ sung các giấy tờ sau:</p>\n"
                "<p>{{ items }}</p>\n"
                "<p>Lý do: {{ reason }}</p>\n"
                "<p>Thời gian giải quyết hồ sơ <strong>tạm dừng</strong> cho đến khi Ông/Bà gửi đủ giấy tờ "
                "bổ sung; khoảng thời gian này không tính vào thời hạn giải quyết.</p>\n"
                "<p>Ông/Bà có thể xem Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ và gửi giấy tờ bổ sung trực "
                'tuyến tại: <a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>Trân trọng.</p>\n"
                "<p>Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu có điểm nào "
                "chưa rõ, Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại "
                "có trên trang của cơ quan tại Cổng Dịch vụ công.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Hồ sơ {{ dossier_code }} cần bổ sung giấy tờ. Lý do: {{ reason }}. Hồ sơ tạm "
                "dừng giải quyết đến khi Ông/Bà bổ sung tại {{ link }}"
            ),
        },
        "en": {
            "email_subject": "Application {{ dossier_code }}: more documents needed",
            "email_text": (
                "Dear {{ full_name }},\n\n"
                "{{ agency_name }} needs more documents from you before it can continue with your "
                "application {{ dossier_code }} ({{ procedure_name }}):\n\n"
                "{{ items }}\n\n"
                "Reason: {{ reason }}\n\n"
                "Work on your application is paused until you send everything on this list. The time you "
                "take to reply does not count towards the processing time.\n\n"
                "You can read the request (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ) and send the documents "
                "online at:\n"
                "{{ link }}\n\n"
                "This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not reply "
                "to it. If anything is unclear, contact the one-stop shop (Bộ phận Một cửa) at "
                "{{ agency_name }}. You can find its address and phone number on the agency's page on the "
                "portal.\n"
            ),
            "email_html": (
                "<p>Dear {{ full_name }},</p>\n"
                "<p>{{ agency_name }} needs more documents from you before it can continue with your "
                "application <strong>{{ dossier_code }}</strong> ({{ procedure_name }}):</p>\n"
                "<p>{{ items }}</p>\n"
                "<p>Reason: {{ reason }}</p>\n"
                "<p>Work on your application is <strong>paused</strong> until you send everything on this "
                "list. The time you take to reply does not count towards the processing time.</p>\n"
                "<p>You can read the request (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ) and send the "
                'documents online at: <a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not "
                "reply to it. If anything is unclear, contact the one-stop shop (Bộ phận Một cửa) at "
                "{{ agency_name }}. You can find its address and phone number on the agency's page on the "
                "portal.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Application {{ dossier_code }} needs more documents. Reason: {{ reason }}. Work "
                "is paused until you send them at {{ link }}"
            ),
        },
    },
    "supplement_reminder": {
        "name": "Nhắc bổ sung hồ sơ",
        "description": "Nhắc người nộp khi yêu cầu bổ sung hồ sơ vẫn chưa được trả lời.",
        "placeholders": ["full_name", "dossier_code", "procedure_name", "agency_name", "link"],
        "vi": {
            "email_subject": "Nhắc bổ sung giấy tờ cho hồ sơ {{ dossier_code }}",
            "email_text": (
                "Kính gửi {{ full_name }},\n\n"
                "{{ agency_name }} đã đề nghị Ông/Bà bổ sung giấy tờ cho hồ sơ {{ dossier_code }} "
                "({{ procedure_name }}), nhưng đến nay cơ quan vẫn chưa nhận được.\n\n"
                "Hồ sơ của Ông/Bà đang tạm dừng giải quyết. Để cơ quan giải quyết tiếp, Ông/Bà hãy xem "
                "những giấy tờ cần bổ sung và gửi trực tuyến tại:\n"
                "{{ link }}\n\n"
                "Nếu Ông/Bà đã gửi bổ sung, xin bỏ qua thư này.\n\n"
                "Trân trọng.\n\n"
                "Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.\n"
            ),
            "email_html": (
                "<p>Kính gửi {{ full_name }},</p>\n"
                "<p>{{ agency_name }} đã đề nghị Ông/Bà bổ sung giấy tờ cho hồ sơ "
                "<strong>{{ dossier_code }}</strong> ({{ procedure_name }}), nhưng đến nay cơ quan vẫn chưa "
                "nhận được.</p>\n"
                "<p>Hồ sơ của Ông/Bà đang <strong>tạm dừng giải quyết</strong>. Để cơ quan giải quyết tiếp, "
                "Ông/Bà hãy xem những giấy tờ cần bổ sung và gửi trực tuyến tại: "
                '<a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>Nếu Ông/Bà đã gửi bổ sung, xin bỏ qua thư này.</p>\n"
                "<p>Trân trọng.</p>\n"
                "<p>Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Hồ sơ {{ dossier_code }} vẫn đang chờ Ông/Bà bổ sung giấy tờ và đang tạm dừng "
                "giải quyết. Bổ sung tại {{ link }}"
            ),
        },
        "en": {
            "email_subject": "Reminder: application {{ dossier_code }} still needs documents",
            "email_text": (
                "Dear {{ full_name }},\n\n"
                "{{ agency_name }} asked you for more documents for your application {{ dossier_code }} "
                "({{ procedure_name }}). They have not received them yet.\n\n"
                "Work on your application stays paused until you send them. You can see what is needed and "
                "send it online at:\n"
                "{{ link }}\n\n"
                "If you have already sent the documents, you can ignore this email.\n\n"
                "This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not reply "
                "to it. If you need help, contact the one-stop shop (Bộ phận Một cửa) at {{ agency_name }}. "
                "You can find its address and phone number on the agency's page on the portal.\n"
            ),
            "email_html": (
                "<p>Dear {{ full_name }},</p>\n"
                "<p>{{ agency_name }} asked you for more documents for your application "
                "<strong>{{ dossier_code }}</strong> ({{ procedure_name }}). They have not received them "
                "yet.</p>\n"
                "<p>Work on your application <strong>stays paused</strong> until you send them. You can see "
                'what is needed and send it online at: <a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>If you have already sent the documents, you can ignore this email.</p>\n"
                "<p>This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not "
                "reply to it. If you need help, contact the one-stop shop (Bộ phận Một cửa) at "
                "{{ agency_name }}. You can find its address and phone number on the agency's page on the "
                "portal.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Reminder: application {{ dossier_code }} is still waiting for your documents and "
                "is paused. Send them at {{ link }}"
            ),
        },
    },
    "dossier_refused": {
        "name": "Từ chối tiếp nhận hồ sơ",
        "description": (
            "Gửi khi hồ sơ không được tiếp nhận (Phiếu từ chối tiếp nhận, giải quyết hồ sơ, Mẫu 03). "
            "reason: lý do cụ thể."
        ),
        "placeholders": ["full_name", "dossier_code", "procedure_name", "agency_name", "reason", "link"],
        "vi": {
            "email_subject": "Hồ sơ {{ dossier_code }} không được tiếp nhận",
            "email_text": (
                "Kính gửi {{ full_name }},\n\n"
                "Rất tiếc, Bộ phận Một cửa của {{ agency_name }} không thể tiếp nhận hồ sơ {{ dossier_code }} "
                "({{ procedure_name }}) của Ông/Bà.\n\n"
                "Lý do: {{ reason }}\n\n"
                "Ông/Bà có thể:\n"
                "- xem Phiếu từ chối tiếp nhận, giải quyết hồ sơ tại {{ link }}\n"
                "- chuẩn bị lại hồ sơ theo lý do nêu trên rồi nộp hồ sơ mới, trực tuyến hoặc tại Bộ phận "
                "Một cửa\n"
                "- liên hệ Bộ phận Một cửa của {{ agency_name }} nếu cần giải thích thêm về lý do.\n\n"
                "Trân trọng.\n\n"
                "Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.\n"
            ),
            "email_html": (
                "<p>Kính gửi {{ full_name }},</p>\n"
                "<p>Rất tiếc, Bộ phận Một cửa của {{ agency_name }} không thể tiếp nhận hồ sơ "
                "<strong>{{ dossier_code }}</strong> ({{ procedure_name }}) của Ông/Bà.</p>\n"
                "<p>Lý do: {{ reason }}</p>\n"
                "<p>Ông/Bà có thể:</p>\n"
                "<ul>\n"
                '<li>xem Phiếu từ chối tiếp nhận, giải quyết hồ sơ tại <a href="{{ link }}">{{ link }}</a>'
                "</li>\n"
                "<li>chuẩn bị lại hồ sơ theo lý do nêu trên rồi nộp hồ sơ mới, trực tuyến hoặc tại Bộ phận "
                "Một cửa</li>\n"
                "<li>liên hệ Bộ phận Một cửa của {{ agency_name }} nếu cần giải thích thêm về lý do.</li>\n"
                "</ul>\n"
                "<p>Trân trọng.</p>\n"
                "<p>Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Rất tiếc, hồ sơ {{ dossier_code }} không được tiếp nhận. Lý do: {{ reason }}. "
                "Ông/Bà có thể hoàn thiện và nộp lại. Chi tiết tại {{ link }}"
            ),
        },
        "en": {
            "email_subject": "Application {{ dossier_code }} not accepted",
            "email_text": (
                "Dear {{ full_name }},\n\n"
                "We are sorry, but the one-stop shop (Bộ phận Một cửa) at {{ agency_name }} could not "
                "accept your application {{ dossier_code }} ({{ procedure_name }}).\n\n"
                "Reason: {{ reason }}\n\n"
                "What you can do next:\n"
                "- read the refusal notice (Phiếu từ chối tiếp nhận, giải quyết hồ sơ) at {{ link }}\n"
                "- fix the problem described above and send a new application, online or at a one-stop "
                "shop\n"
                "- contact the one-stop shop at {{ agency_name }} if you need the reason explained\n\n"
                "This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not reply "
                "to it. If you need help, contact the one-stop shop at {{ agency_name }}. You can find its "
                "address and phone number on the agency's page on the portal.\n"
            ),
            "email_html": (
                "<p>Dear {{ full_name }},</p>\n"
                "<p>We are sorry, but the one-stop shop (Bộ phận Một cửa) at {{ agency_name }} could not "
                "accept your application <strong>{{ dossier_code }}</strong> ({{ procedure_name }}).</p>\n"
                "<p>Reason: {{ reason }}</p>\n"
                "<p>What you can do next:</p>\n"
                "<ul>\n"
                "<li>read the refusal notice (Phiếu từ chối tiếp nhận, giải quyết hồ sơ) at "
                '<a href="{{ link }}">{{ link }}</a></li>\n'
                "<li>fix the problem described above and send a new application, online or at a one-stop "
                "shop</li>\n"
                "<li>contact the one-stop shop at {{ agency_name }} if you need the reason explained</li>\n"
                "</ul>\n"
                "<p>This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not "
                "reply to it. If you need help, contact the one-stop shop at {{ agency_name }}. You can find "
                "its address and phone number on the agency's page on the portal.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Sorry, application {{ dossier_code }} was not accepted. Reason: {{ reason }}. "
                "You can fix it and apply again. Details at {{ link }}"
            ),
        },
    },
    "payment_requested": {
        "name": "Yêu cầu nộp phí, lệ phí",
        "description": (
            "Gửi khi hồ sơ cần thực hiện nghĩa vụ tài chính (phí, lệ phí). link: trang thanh toán của hồ "
            "sơ. Thời gian giải quyết tạm dừng đến khi thanh toán xong."
        ),
        "placeholders": ["full_name", "dossier_code", "procedure_name", "agency_name", "link"],
        "vi": {
            "email_subject": "Nộp phí, lệ phí cho hồ sơ {{ dossier_code }}",
            "email_text": (
                "Kính gửi {{ full_name }},\n\n"
                "Để tiếp tục giải quyết hồ sơ {{ dossier_code }} ({{ procedure_name }}), Ông/Bà cần nộp "
                "phí, lệ phí theo quy định.\n\n"
                "Ông/Bà xem số tiền cần nộp và thanh toán trực tuyến tại:\n"
                "{{ link }}\n\n"
                "Thời gian giải quyết hồ sơ tạm dừng cho đến khi Ông/Bà thanh toán xong. Sau khi thanh toán, "
                "Ông/Bà có thể tải biên lai điện tử trên trang hồ sơ.\n\n"
                "Lưu ý: chỉ thanh toán qua trang hồ sơ trên Cổng Dịch vụ công. Cán bộ không bao giờ yêu cầu "
                "Ông/Bà chuyển tiền vào tài khoản cá nhân. Nếu đã thanh toán mà trang hồ sơ chưa cập nhật, "
                "xin đừng thanh toán lại; hãy liên hệ Bộ phận Một cửa của {{ agency_name }}.\n\n"
                "Trân trọng.\n\n"
                "Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.\n"
            ),
            "email_html": (
                "<p>Kính gửi {{ full_name }},</p>\n"
                "<p>Để tiếp tục giải quyết hồ sơ <strong>{{ dossier_code }}</strong> ({{ procedure_name }}), "
                "Ông/Bà cần nộp phí, lệ phí theo quy định.</p>\n"
                "<p>Ông/Bà xem số tiền cần nộp và thanh toán trực tuyến tại: "
                '<a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>Thời gian giải quyết hồ sơ tạm dừng cho đến khi Ông/Bà thanh toán xong. Sau khi thanh "
                "toán, Ông/Bà có thể tải biên lai điện tử trên trang hồ sơ.</p>\n"
                "<p><strong>Lưu ý:</strong> chỉ thanh toán qua trang hồ sơ trên Cổng Dịch vụ công. Cán bộ "
                "không bao giờ yêu cầu Ông/Bà chuyển tiền vào tài khoản cá nhân. Nếu đã thanh toán mà trang "
                "hồ sơ chưa cập nhật, xin đừng thanh toán lại; hãy liên hệ Bộ phận Một cửa của "
                "{{ agency_name }}.</p>\n"
                "<p>Trân trọng.</p>\n"
                "<p>Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Hồ sơ {{ dossier_code }} cần nộp phí, lệ phí để tiếp tục giải quyết. Xem số "
                "tiền và thanh toán tại {{ link }}. Không chuyển tiền cho ai yêu cầu qua điện thoại."
            ),
        },
        "en": {
            "email_subject": "Pay the fees for application {{ dossier_code }}",
            "email_text": (
                "Dear {{ full_name }},\n\n"
                "You need to pay fees before {{ agency_name }} can continue with your application "
                "{{ dossier_code }} ({{ procedure_name }}).\n\n"
                "You can see how much to pay, and pay online, at:\n"
                "{{ link }}\n\n"
                "Work on your application is paused until you have paid. After you pay, you can download "
                "your e-receipt from your application page.\n\n"
                "Only pay through your application page on the portal. Staff will never ask you to send "
                "money to a personal account. If you have paid but your application page has not updated, "
                "do not pay again. Contact the one-stop shop (Bộ phận Một cửa) at {{ agency_name }}.\n\n"
                "This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not reply "
                "to it. If you need help, contact the one-stop shop at {{ agency_name }}. You can find its "
                "address and phone number on the agency's page on the portal.\n"
            ),
            "email_html": (
                "<p>Dear {{ full_name }},</p>\n"
                "<p>You need to pay fees before {{ agency_name }} can continue with your application "
                "<strong>{{ dossier_code }}</strong> ({{ procedure_name }}).</p>\n"
                "<p>You can see how much to pay, and pay online, at: "
                '<a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>Work on your application is paused until you have paid. After you pay, you can download "
                "your e-receipt from your application page.</p>\n"
                "<p><strong>Only pay through your application page on the portal.</strong> Staff will never "
                "ask you to send money to a personal account. If you have paid but your application page has "
                "not updated, do not pay again. Contact the one-stop shop (Bộ phận Một cửa) at "
                "{{ agency_name }}.</p>\n"
                "<p>This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not "
                "reply to it. If you need help, contact the one-stop shop at {{ agency_name }}. You can find "
                "its address and phone number on the agency's page on the portal.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Pay the fees for application {{ dossier_code }} so work can continue. See the "
                "amount and pay at {{ link }}. Never send money to anyone who asks by phone."
            ),
        },
    },
    "result_ready": {
        "name": "Đã có kết quả",
        "description": (
            "Gửi khi hồ sơ đã giải quyết xong và kết quả sẵn sàng để trả. note: cách nhận kết quả "
            "(trực tuyến, tại Bộ phận Một cửa hoặc qua bưu chính)."
        ),
        "placeholders": ["full_name", "dossier_code", "procedure_name", "agency_name", "note", "link"],
        "vi": {
            "email_subject": "Hồ sơ {{ dossier_code }} đã có kết quả",
            "email_text": (
                "Kính gửi {{ full_name }},\n\n"
                "Hồ sơ {{ dossier_code }} ({{ procedure_name }}) của Ông/Bà đã được giải quyết xong và đã "
                "có kết quả.\n\n"
                "Cách nhận kết quả: {{ note }}\n\n"
                "Xem chi tiết tại:\n"
                "{{ link }}\n\n"
                "Nếu nhận tại Bộ phận Một cửa, Ông/Bà nhớ mang theo giấy tờ tùy thân cùng Giấy tiếp nhận hồ "
                "sơ và hẹn trả kết quả (bản in hoặc trên điện thoại). Nếu nhận qua bưu chính, Ông/Bà có thể "
                "theo dõi bưu gửi trên trang hồ sơ.\n\n"
                "Trân trọng.\n\n"
                "Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.\n"
            ),
            "email_html": (
                "<p>Kính gửi {{ full_name }},</p>\n"
                "<p>Hồ sơ <strong>{{ dossier_code }}</strong> ({{ procedure_name }}) của Ông/Bà đã được giải "
                "quyết xong và đã có kết quả.</p>\n"
                "<p>Cách nhận kết quả: <strong>{{ note }}</strong></p>\n"
                '<p>Xem chi tiết tại: <a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>Nếu nhận tại Bộ phận Một cửa, Ông/Bà nhớ mang theo giấy tờ tùy thân cùng Giấy tiếp nhận "
                "hồ sơ và hẹn trả kết quả (bản in hoặc trên điện thoại). Nếu nhận qua bưu chính, Ông/Bà có "
                "thể theo dõi bưu gửi trên trang hồ sơ.</p>\n"
                "<p>Trân trọng.</p>\n"
                "<p>Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Hồ sơ {{ dossier_code }} đã có kết quả. Cách nhận: {{ note }}. Chi tiết tại "
                "{{ link }}"
            ),
        },
        "en": {
            "email_subject": "Result ready for application {{ dossier_code }}",
            "email_text": (
                "Dear {{ full_name }},\n\n"
                "Your application {{ dossier_code }} ({{ procedure_name }}) has been processed and the "
                "result is ready.\n\n"
                "How you will get it: {{ note }}\n\n"
                "See the details at:\n"
                "{{ link }}\n\n"
                "If you are collecting it at the one-stop shop (Bộ phận Một cửa), bring your ID and your "
                "receipt and appointment slip (printed or on your phone). If it is coming by post, you can "
                "track it on your application page.\n\n"
                "This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not reply "
                "to it. If you need help, contact the one-stop shop at {{ agency_name }}. You can find its "
                "address and phone number on the agency's page on the portal.\n"
            ),
            "email_html": (
                "<p>Dear {{ full_name }},</p>\n"
                "<p>Your application <strong>{{ dossier_code }}</strong> ({{ procedure_name }}) has been "
                "processed and the result is ready.</p>\n"
                "<p>How you will get it: <strong>{{ note }}</strong></p>\n"
                '<p>See the details at: <a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>If you are collecting it at the one-stop shop (Bộ phận Một cửa), bring your ID and your "
                "receipt and appointment slip (printed or on your phone). If it is coming by post, you can "
                "track it on your application page.</p>\n"
                "<p>This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not "
                "reply to it. If you need help, contact the one-stop shop at {{ agency_name }}. You can find "
                "its address and phone number on the agency's page on the portal.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: The result of application {{ dossier_code }} is ready. How to get it: "
                "{{ note }}. Details at {{ link }}"
            ),
        },
    },
    "dossier_returned": {
        "name": "Đã trả kết quả",
        "description": (
            "Gửi sau khi kết quả đã được trả hoặc giao cho người nộp; mời đánh giá mức độ hài lòng. "
            "link: trang đánh giá."
        ),
        "placeholders": ["full_name", "dossier_code", "procedure_name", "agency_name", "link"],
        "vi": {
            "email_subject": "Đã trả kết quả hồ sơ {{ dossier_code }}",
            "email_text": (
                "Kính gửi {{ full_name }},\n\n"
                "Kết quả hồ sơ {{ dossier_code }} ({{ procedure_name }}) đã được trả cho Ông/Bà. Cảm ơn "
                "Ông/Bà đã sử dụng dịch vụ công của {{ agency_name }}.\n\n"
                "Ý kiến của Ông/Bà giúp cơ quan phục vụ người dân tốt hơn. Mời Ông/Bà dành một phút đánh giá "
                "mức độ hài lòng tại:\n"
                "{{ link }}\n\n"
                "Nếu Ông/Bà chưa nhận được kết quả hoặc thấy kết quả có sai sót, hãy liên hệ ngay Bộ phận "
                "Một cửa của {{ agency_name }}.\n\n"
                "Trân trọng.\n\n"
                "Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.\n"
            ),
            "email_html": (
                "<p>Kính gửi {{ full_name }},</p>\n"
                "<p>Kết quả hồ sơ <strong>{{ dossier_code }}</strong> ({{ procedure_name }}) đã được trả cho "
                "Ông/Bà. Cảm ơn Ông/Bà đã sử dụng dịch vụ công của {{ agency_name }}.</p>\n"
                "<p>Ý kiến của Ông/Bà giúp cơ quan phục vụ người dân tốt hơn. Mời Ông/Bà dành một phút đánh "
                'giá mức độ hài lòng tại: <a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>Nếu Ông/Bà chưa nhận được kết quả hoặc thấy kết quả có sai sót, hãy liên hệ ngay Bộ phận "
                "Một cửa của {{ agency_name }}.</p>\n"
                "<p>Trân trọng.</p>\n"
                "<p>Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Kết quả hồ sơ {{ dossier_code }} đã được trả. Cảm ơn Ông/Bà! Mời Ông/Bà đánh "
                "giá mức độ hài lòng tại {{ link }}"
            ),
        },
        "en": {
            "email_subject": "Application {{ dossier_code }}: result delivered",
            "email_text": (
                "Dear {{ full_name }},\n\n"
                "The result of your application {{ dossier_code }} ({{ procedure_name }}) has been given to "
                "you. Thank you for using the public services of {{ agency_name }}.\n\n"
                "Please tell us about your experience. It takes about a minute and helps the agency improve "
                "its service:\n"
                "{{ link }}\n\n"
                "If you have not received the result, or you think it contains a mistake, contact the "
                "one-stop shop (Bộ phận Một cửa) at {{ agency_name }} straight away.\n\n"
                "This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not reply "
                "to it. If you need help, contact the one-stop shop at {{ agency_name }}. You can find its "
                "address and phone number on the agency's page on the portal.\n"
            ),
            "email_html": (
                "<p>Dear {{ full_name }},</p>\n"
                "<p>The result of your application <strong>{{ dossier_code }}</strong> ({{ procedure_name }}) "
                "has been given to you. Thank you for using the public services of {{ agency_name }}.</p>\n"
                "<p>Please tell us about your experience. It takes about a minute and helps the agency "
                'improve its service: <a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>If you have not received the result, or you think it contains a mistake, contact the "
                "one-stop shop (Bộ phận Một cửa) at {{ agency_name }} straight away.</p>\n"
                "<p>This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not "
                "reply to it. If you need help, contact the one-stop shop at {{ agency_name }}. You can find "
                "its address and phone number on the agency's page on the portal.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: The result of application {{ dossier_code }} has been delivered. Thank you. Tell "
                "us how we did at {{ link }}"
            ),
        },
    },
    "dossier_extended": {
        "name": "Xin lỗi và hẹn lại ngày trả kết quả",
        "description": (
            "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (Mẫu 04), gửi khi hồ sơ trễ hẹn. "
            "reason: lý do chậm trễ; due_date: ngày hẹn trả kết quả mới."
        ),
        "placeholders": [
            "full_name",
            "dossier_code",
            "procedure_name",
            "agency_name",
            "due_date",
            "reason",
            "link",
        ],
        "vi": {
            "email_subject": "Hồ sơ {{ dossier_code }}: xin lỗi và hẹn lại ngày trả kết quả",
            "email_text": (
                "Kính gửi {{ full_name }},\n\n"
                "{{ agency_name }} thành thật xin lỗi Ông/Bà vì hồ sơ {{ dossier_code }} "
                "({{ procedure_name }}) chưa được giải quyết xong đúng hẹn.\n\n"
                "Lý do chậm trễ: {{ reason }}\n\n"
                "Ngày hẹn trả kết quả mới: {{ due_date }}\n\n"
                "Ông/Bà không cần làm thêm thủ tục gì. Cơ quan sẽ cố gắng trả kết quả sớm nhất có thể. "
                "Ông/Bà có thể xem văn bản xin lỗi và theo dõi hồ sơ tại:\n"
                "{{ link }}\n\n"
                "Mong Ông/Bà thông cảm.\n\n"
                "Trân trọng.\n\n"
                "Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.\n"
            ),
            "email_html": (
                "<p>Kính gửi {{ full_name }},</p>\n"
                "<p>{{ agency_name }} thành thật xin lỗi Ông/Bà vì hồ sơ <strong>{{ dossier_code }}</strong> "
                "({{ procedure_name }}) chưa được giải quyết xong đúng hẹn.</p>\n"
                "<p>Lý do chậm trễ: {{ reason }}</p>\n"
                "<p>Ngày hẹn trả kết quả mới: <strong>{{ due_date }}</strong></p>\n"
                "<p>Ông/Bà không cần làm thêm thủ tục gì. Cơ quan sẽ cố gắng trả kết quả sớm nhất có thể. "
                'Ông/Bà có thể xem văn bản xin lỗi và theo dõi hồ sơ tại: <a href="{{ link }}">{{ link }}</a>'
                "</p>\n"
                "<p>Mong Ông/Bà thông cảm.</p>\n"
                "<p>Trân trọng.</p>\n"
                "<p>Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: {{ agency_name }} xin lỗi vì hồ sơ {{ dossier_code }} chưa có kết quả đúng hẹn. "
                "Lý do: {{ reason }}. Hẹn trả mới: {{ due_date }}."
            ),
        },
        "en": {
            "email_subject": "Application {{ dossier_code }} is delayed: our apologies",
            "email_text": (
                "Dear {{ full_name }},\n\n"
                "{{ agency_name }} is sorry that your application {{ dossier_code }} ({{ procedure_name }}) "
                "was not completed by the date you were given.\n\n"
                "Reason for the delay: {{ reason }}\n\n"
                "New date for your result: {{ due_date }}\n\n"
                "You do not need to do anything. The agency will aim to give you the result as soon as "
                "possible. You can read the letter of apology and follow your application at:\n"
                "{{ link }}\n\n"
                "This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not reply "
                "to it. If you need help, contact the one-stop shop (Bộ phận Một cửa) at {{ agency_name }}. "
                "You can find its address and phone number on the agency's page on the portal.\n"
            ),
            "email_html": (
                "<p>Dear {{ full_name }},</p>\n"
                "<p>{{ agency_name }} is sorry that your application <strong>{{ dossier_code }}</strong> "
                "({{ procedure_name }}) was not completed by the date you were given.</p>\n"
                "<p>Reason for the delay: {{ reason }}</p>\n"
                "<p>New date for your result: <strong>{{ due_date }}</strong></p>\n"
                "<p>You do not need to do anything. The agency will aim to give you the result as soon as "
                "possible. You can read the letter of apology and follow your application at: "
                '<a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not "
                "reply to it. If you need help, contact the one-stop shop (Bộ phận Một cửa) at "
                "{{ agency_name }}. You can find its address and phone number on the agency's page on the "
                "portal.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: {{ agency_name }} is sorry that application {{ dossier_code }} is late. Reason: "
                "{{ reason }}. New date: {{ due_date }}."
            ),
        },
    },
    "dossier_withdrawn": {
        "name": "Đã rút hồ sơ",
        "description": "Xác nhận đã ghi nhận yêu cầu rút hồ sơ của người nộp. date: thời điểm ghi nhận.",
        "placeholders": ["full_name", "dossier_code", "procedure_name", "agency_name", "date", "link"],
        "vi": {
            "email_subject": "Đã ghi nhận yêu cầu rút hồ sơ {{ dossier_code }}",
            "email_text": (
                "Kính gửi {{ full_name }},\n\n"
                "Cổng Dịch vụ công đã ghi nhận yêu cầu rút hồ sơ {{ dossier_code }} ({{ procedure_name }}) "
                "của Ông/Bà lúc {{ date }}. {{ agency_name }} sẽ không tiếp tục giải quyết hồ sơ này.\n\n"
                "Khi cần, Ông/Bà có thể nộp hồ sơ mới bất cứ lúc nào. Hồ sơ đã rút vẫn được lưu để Ông/Bà "
                "xem lại tại:\n"
                "{{ link }}\n\n"
                "Nếu Ông/Bà không yêu cầu rút hồ sơ này, hãy liên hệ ngay Bộ phận Một cửa của "
                "{{ agency_name }}.\n\n"
                "Trân trọng.\n\n"
                "Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.\n"
            ),
            "email_html": (
                "<p>Kính gửi {{ full_name }},</p>\n"
                "<p>Cổng Dịch vụ công đã ghi nhận yêu cầu rút hồ sơ <strong>{{ dossier_code }}</strong> "
                "({{ procedure_name }}) của Ông/Bà lúc {{ date }}. {{ agency_name }} sẽ không tiếp tục giải "
                "quyết hồ sơ này.</p>\n"
                "<p>Khi cần, Ông/Bà có thể nộp hồ sơ mới bất cứ lúc nào. Hồ sơ đã rút vẫn được lưu để Ông/Bà "
                'xem lại tại: <a href="{{ link }}">{{ link }}</a></p>\n'
                "<p><strong>Nếu Ông/Bà không yêu cầu rút hồ sơ này</strong>, hãy liên hệ ngay Bộ phận Một "
                "cửa của {{ agency_name }}.</p>\n"
                "<p>Trân trọng.</p>\n"
                "<p>Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy liên hệ Bộ phận Một cửa của {{ agency_name }}; địa chỉ và số điện thoại có trên "
                "trang của cơ quan tại Cổng Dịch vụ công.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Đã ghi nhận yêu cầu rút hồ sơ {{ dossier_code }} lúc {{ date }}. Nếu không phải "
                "Ông/Bà yêu cầu, hãy liên hệ ngay {{ agency_name }}."
            ),
        },
        "en": {
            "email_subject": "Withdrawal of application {{ dossier_code }} recorded",
            "email_text": (
                "Dear {{ full_name }},\n\n"
                "We recorded your request to withdraw application {{ dossier_code }} ({{ procedure_name }}) "
                "at {{ date }}. {{ agency_name }} will stop working on it.\n\n"
                "You can make a new application at any time. You can still see the withdrawn application "
                "at:\n"
                "{{ link }}\n\n"
                "If you did not ask to withdraw this application, contact the one-stop shop "
                "(Bộ phận Một cửa) at {{ agency_name }} straight away.\n\n"
                "This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not reply "
                "to it. If you need help, contact the one-stop shop at {{ agency_name }}. You can find its "
                "address and phone number on the agency's page on the portal.\n"
            ),
            "email_html": (
                "<p>Dear {{ full_name }},</p>\n"
                "<p>We recorded your request to withdraw application <strong>{{ dossier_code }}</strong> "
                "({{ procedure_name }}) at {{ date }}. {{ agency_name }} will stop working on it.</p>\n"
                "<p>You can make a new application at any time. You can still see the withdrawn application "
                'at: <a href="{{ link }}">{{ link }}</a></p>\n'
                "<p><strong>If you did not ask to withdraw this application</strong>, contact the one-stop "
                "shop (Bộ phận Một cửa) at {{ agency_name }} straight away.</p>\n"
                "<p>This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not "
                "reply to it. If you need help, contact the one-stop shop at {{ agency_name }}. You can find "
                "its address and phone number on the agency's page on the portal.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Your request to withdraw application {{ dossier_code }} was recorded at "
                "{{ date }}. If this was not you, contact {{ agency_name }} now."
            ),
        },
    },
    "processing_stopped": {
        "name": "Dừng giải quyết hồ sơ",
        "description": "Thông báo dừng giải quyết hồ sơ (Mẫu 05). reason: lý do dừng.",
        "placeholders": ["full_name", "dossier_code", "procedure_name", "agency_name", "reason", "link"],
        "vi": {
            "email_subject": "Thông báo dừng giải quyết hồ sơ {{ dossier_code }}",
            "email_text": (
                "Kính gửi {{ full_name }},\n\n"
                "Rất tiếc, {{ agency_name }} phải dừng giải quyết hồ sơ {{ dossier_code }} "
                "({{ procedure_name }}) của Ông/Bà.\n\n"
                "Lý do: {{ reason }}\n\n"
                "Ông/Bà có thể xem Thông báo dừng giải quyết hồ sơ tại:\n"
                "{{ link }}\n\n"
                "Nếu cần giải thích thêm hoặc muốn biết cách nộp lại hồ sơ, Ông/Bà hãy liên hệ Bộ phận Một "
                "cửa của {{ agency_name }}.\n\n"
                "Trân trọng.\n\n"
                "Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Địa chỉ và số điện "
                "thoại của Bộ phận Một cửa có trên trang của cơ quan tại Cổng Dịch vụ công.\n"
            ),
            "email_html": (
                "<p>Kính gửi {{ full_name }},</p>\n"
                "<p>Rất tiếc, {{ agency_name }} phải dừng giải quyết hồ sơ <strong>{{ dossier_code }}</strong> "
                "({{ procedure_name }}) của Ông/Bà.</p>\n"
                "<p>Lý do: {{ reason }}</p>\n"
                "<p>Ông/Bà có thể xem Thông báo dừng giải quyết hồ sơ tại: "
                '<a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>Nếu cần giải thích thêm hoặc muốn biết cách nộp lại hồ sơ, Ông/Bà hãy liên hệ Bộ phận Một "
                "cửa của {{ agency_name }}.</p>\n"
                "<p>Trân trọng.</p>\n"
                "<p>Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Địa chỉ và số điện "
                "thoại của Bộ phận Một cửa có trên trang của cơ quan tại Cổng Dịch vụ công.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Rất tiếc, hồ sơ {{ dossier_code }} đã dừng giải quyết. Lý do: {{ reason }}. "
                "Chi tiết tại {{ link }}"
            ),
        },
        "en": {
            "email_subject": "Work on application {{ dossier_code }} has stopped",
            "email_text": (
                "Dear {{ full_name }},\n\n"
                "We are sorry to tell you that {{ agency_name }} has stopped working on your application "
                "{{ dossier_code }} ({{ procedure_name }}).\n\n"
                "Reason: {{ reason }}\n\n"
                "You can read the notice (Thông báo dừng giải quyết hồ sơ) at:\n"
                "{{ link }}\n\n"
                "If you need the reason explained, or want to know how to apply again, contact the one-stop "
                "shop (Bộ phận Một cửa) at {{ agency_name }}.\n\n"
                "This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not reply "
                "to it. You can find the one-stop shop's address and phone number on the agency's page on "
                "the portal.\n"
            ),
            "email_html": (
                "<p>Dear {{ full_name }},</p>\n"
                "<p>We are sorry to tell you that {{ agency_name }} has stopped working on your application "
                "<strong>{{ dossier_code }}</strong> ({{ procedure_name }}).</p>\n"
                "<p>Reason: {{ reason }}</p>\n"
                "<p>You can read the notice (Thông báo dừng giải quyết hồ sơ) at: "
                '<a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>If you need the reason explained, or want to know how to apply again, contact the "
                "one-stop shop (Bộ phận Một cửa) at {{ agency_name }}.</p>\n"
                "<p>This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not "
                "reply to it. You can find the one-stop shop's address and phone number on the agency's page "
                "on the portal.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Sorry, work on application {{ dossier_code }} has stopped. Reason: {{ reason }}. "
                "Details at {{ link }}"
            ),
        },
    },
    "draft_expiring": {
        "name": "Hồ sơ nháp sắp bị xóa",
        "description": (
            "Nhắc người dùng về hồ sơ đang soạn nhưng chưa nộp. date: ngày bản nháp bị xóa; link: trang "
            "tiếp tục soạn hồ sơ."
        ),
        "placeholders": ["full_name", "procedure_name", "date", "link"],
        "vi": {
            "email_subject": "Hồ sơ chưa nộp của Ông/Bà sẽ bị xóa ngày {{ date }}",
            "email_text": (
                "Kính gửi {{ full_name }},\n\n"
                "Ông/Bà có một hồ sơ đang soạn dở trên Cổng Dịch vụ công nhưng chưa nộp:\n"
                "- Thủ tục: {{ procedure_name }}\n\n"
                "Bản nháp này và các giấy tờ đã tải lên sẽ bị xóa vào ngày {{ date }}.\n\n"
                "Nếu vẫn muốn nộp, Ông/Bà hãy tiếp tục hoàn thiện và nộp hồ sơ trước ngày đó tại:\n"
                "{{ link }}\n\n"
                "Nếu không còn nhu cầu, Ông/Bà không cần làm gì.\n\n"
                "Trân trọng.\n\n"
                "Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy gọi tổng đài ghi ở cuối trang Cổng Dịch vụ công hoặc đến Bộ phận Một cửa gần "
                "nhất.\n"
            ),
            "email_html": (
                "<p>Kính gửi {{ full_name }},</p>\n"
                "<p>Ông/Bà có một hồ sơ đang soạn dở trên Cổng Dịch vụ công nhưng chưa nộp:</p>\n"
                "<ul>\n"
                "<li>Thủ tục: {{ procedure_name }}</li>\n"
                "</ul>\n"
                "<p>Bản nháp này và các giấy tờ đã tải lên sẽ bị xóa vào ngày <strong>{{ date }}</strong>."
                "</p>\n"
                "<p>Nếu vẫn muốn nộp, Ông/Bà hãy tiếp tục hoàn thiện và nộp hồ sơ trước ngày đó tại: "
                '<a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>Nếu không còn nhu cầu, Ông/Bà không cần làm gì.</p>\n"
                "<p>Trân trọng.</p>\n"
                "<p>Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này. Nếu cần hỗ trợ, "
                "Ông/Bà hãy gọi tổng đài ghi ở cuối trang Cổng Dịch vụ công hoặc đến Bộ phận Một cửa gần "
                "nhất.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Hồ sơ nháp chưa nộp của Ông/Bà ({{ procedure_name }}) sẽ bị xóa ngày {{ date }}. "
                "Tiếp tục tại {{ link }}"
            ),
        },
        "en": {
            "email_subject": "Your unfinished application will be deleted on {{ date }}",
            "email_text": (
                "Dear {{ full_name }},\n\n"
                "You started an application on Cổng Dịch vụ công but have not sent it yet:\n"
                "- Procedure: {{ procedure_name }}\n\n"
                "This draft, and any documents you uploaded, will be deleted on {{ date }}.\n\n"
                "If you still want to apply, continue and send your application before then:\n"
                "{{ link }}\n\n"
                "If you no longer need it, you do not need to do anything.\n\n"
                "This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not reply "
                "to it. If you need help, call the helpline shown at the bottom of every page of the portal, "
                "or go to your nearest one-stop shop (Bộ phận Một cửa).\n"
            ),
            "email_html": (
                "<p>Dear {{ full_name }},</p>\n"
                "<p>You started an application on Cổng Dịch vụ công but have not sent it yet:</p>\n"
                "<ul>\n"
                "<li>Procedure: {{ procedure_name }}</li>\n"
                "</ul>\n"
                "<p>This draft, and any documents you uploaded, will be deleted on "
                "<strong>{{ date }}</strong>.</p>\n"
                "<p>If you still want to apply, continue and send your application before then: "
                '<a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>If you no longer need it, you do not need to do anything.</p>\n"
                "<p>This is an automatic email from Cổng Dịch vụ công, the Public Service Portal. Do not "
                "reply to it. If you need help, call the helpline shown at the bottom of every page of the "
                "portal, or go to your nearest one-stop shop (Bộ phận Một cửa).</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Your unfinished application ({{ procedure_name }}) will be deleted on {{ date }}. "
                "Continue it at {{ link }}"
            ),
        },
    },
    "officer_digest": {
        "name": "Tổng hợp hồ sơ sắp đến hạn (cán bộ)",
        "description": (
            "Thư hằng ngày gửi cán bộ: số hồ sơ sắp đến hạn hoặc đã quá hạn (count), danh sách tóm tắt "
            "(items), ngày tổng hợp (date) và đường dẫn đến danh sách hồ sơ cần xử lý (link)."
        ),
        "placeholders": ["full_name", "count", "items", "date", "link"],
        "vi": {
            "email_subject": "{{ count }} hồ sơ sắp đến hạn hoặc quá hạn ({{ date }})",
            "email_text": (
                "Kính gửi {{ full_name }},\n\n"
                "Hôm nay ({{ date }}), Anh/Chị có {{ count }} hồ sơ sắp đến hạn hoặc đã quá hạn giải "
                "quyết:\n\n"
                "{{ items }}\n\n"
                "Mở danh sách hồ sơ cần xử lý:\n"
                "{{ link }}\n\n"
                "Anh/Chị vui lòng ưu tiên hồ sơ đã quá hạn. Nếu không thể trả kết quả đúng hẹn, hãy lập văn "
                "bản xin lỗi và đề nghị gia hạn thời gian giải quyết (Mẫu 04) để gửi người nộp hồ sơ.\n\n"
                "Trân trọng.\n\n"
                "Đây là thư tự động từ Cổng Dịch vụ công, gửi hằng ngày cho cán bộ được phân công giải quyết "
                "hồ sơ; vui lòng không trả lời thư này. Nếu cần hỗ trợ, Anh/Chị hãy liên hệ quản trị hệ "
                "thống của cơ quan.\n"
            ),
            "email_html": (
                "<p>Kính gửi {{ full_name }},</p>\n"
                "<p>Hôm nay ({{ date }}), Anh/Chị có <strong>{{ count }} hồ sơ</strong> sắp đến hạn hoặc đã "
                "quá hạn giải quyết:</p>\n"
                "<p>{{ items }}</p>\n"
                '<p>Mở danh sách hồ sơ cần xử lý: <a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>Anh/Chị vui lòng ưu tiên hồ sơ đã quá hạn. Nếu không thể trả kết quả đúng hẹn, hãy lập "
                "văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (Mẫu 04) để gửi người nộp hồ sơ.</p>\n"
                "<p>Trân trọng.</p>\n"
                "<p>Đây là thư tự động từ Cổng Dịch vụ công, gửi hằng ngày cho cán bộ được phân công giải "
                "quyết hồ sơ; vui lòng không trả lời thư này. Nếu cần hỗ trợ, Anh/Chị hãy liên hệ quản trị "
                "hệ thống của cơ quan.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Anh/Chị có {{ count }} hồ sơ sắp đến hạn hoặc quá hạn. Xem danh sách tại {{ link }}"
            ),
        },
        "en": {
            "email_subject": "Applications due soon or overdue on {{ date }}: {{ count }}",
            "email_text": (
                "Dear {{ full_name }},\n\n"
                "Applications assigned to you that are due soon or overdue today ({{ date }}): "
                "{{ count }}\n\n"
                "{{ items }}\n\n"
                "Open your work queue:\n"
                "{{ link }}\n\n"
                "Deal with overdue applications first. If you cannot give a result on time, prepare the "
                "letter of apology with a new date (form 04) for the applicant.\n\n"
                "This is an automatic daily email from Cổng Dịch vụ công to staff who handle applications. "
                "Do not reply to it. If you need help, contact your agency's system administrator.\n"
            ),
            "email_html": (
                "<p>Dear {{ full_name }},</p>\n"
                "<p>Applications assigned to you that are due soon or overdue today ({{ date }}): "
                "<strong>{{ count }}</strong></p>\n"
                "<p>{{ items }}</p>\n"
                '<p>Open your work queue: <a href="{{ link }}">{{ link }}</a></p>\n'
                "<p>Deal with overdue applications first. If you cannot give a result on time, prepare the "
                "letter of apology with a new date (form 04) for the applicant.</p>\n"
                "<p>This is an automatic daily email from Cổng Dịch vụ công to staff who handle "
                "applications. Do not reply to it. If you need help, contact your agency's system "
                "administrator.</p>\n"
            ),
            "sms_text": (
                "Cổng DVC: Applications due soon or overdue: {{ count }}. Open your work queue at {{ link }}"
            ),
        },
    },
}
