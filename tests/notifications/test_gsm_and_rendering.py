import pytest

from notifications import gsm, rendering


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cổng DVC: Hồ sơ đã được tiếp nhận", "Cong DVC: Ho so da duoc tiep nhan"),
        ("Đăng ký kết hôn", "Dang ky ket hon"),
        ("“Trích lục” – bản sao…", '"Trich luc" - ban sao...'),
        ("Mã: 123456 😀", "Ma: 123456 ?"),
        ("a\tb", "a b"),
    ],
)
def test_fold_to_gsm(text, expected):
    assert gsm.fold_to_gsm(text) == expected


def test_segments_gsm7_boundaries():
    assert gsm.segment_info("a" * 160) == gsm.SegmentInfo("GSM-7", 160, 1)
    assert gsm.segment_info("a" * 161).segments == 2
    assert gsm.segment_info("a" * 306).segments == 2
    assert gsm.segment_info("a" * 307).segments == 3
    assert gsm.segment_info("{" * 80).units == 160  # extended characters count twice
    assert gsm.segment_info("").segments == 0


def test_segments_ucs2_for_unfolded_vietnamese():
    info = gsm.segment_info("ễ" * 70)
    assert info.encoding == "UCS-2" and info.segments == 1
    assert gsm.segment_info("ễ" * 71).segments == 2


def test_truncate_keeps_two_segments():
    text = gsm.truncate_to_segments("x" * 500)
    assert gsm.segment_info(text).segments == 2
    assert text.endswith("...")
    assert gsm.truncate_to_segments("short") == "short"


def test_render_placeholders_and_escaping():
    context = {"full_name": "Lê <b>An</b>", "dossier_code": "000.21.01.H24-261122-0001"}
    assert rendering.render("Kính gửi {{ full_name }}, hồ sơ {{dossier_code}}", context) == (
        "Kính gửi Lê <b>An</b>, hồ sơ 000.21.01.H24-261122-0001"
    )
    assert rendering.render("<p>{{ full_name }}</p>", context, html=True) == "<p>Lê &lt;b&gt;An&lt;/b&gt;</p>"
    assert rendering.render("{{ missing }}!", {}) == "!"


def test_no_template_language_reaches_the_context():
    # Only {{ name }} exists: tags and attribute lookups are plain text, never evaluated.
    assert (
        rendering.render("{% debug %}{{ user.password }}", {"user": "x"}) == "{% debug %}{{ user.password }}"
    )
    assert rendering.unknown_placeholders("{{ code }} {{ secret_key }}") == {"secret_key"}
