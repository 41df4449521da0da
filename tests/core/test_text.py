import pytest

from core.text import fold, fold_words, nfc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đăng ký kết hôn", "dang ki ket hon"),
        ("đăng kí kết hôn", "dang ki ket hon"),
        ("ĐĂNG KÝ KẾT HÔN", "dang ki ket hon"),
        ("Lý lịch tư pháp", "li lich tu phap"),
        ("lí lịch", "li lich"),
        ("Quý", "qui"),
        ("thủy lợi", "thuy loi"),  # "uy" keeps its y
        ("Huy chương", "huy chuong"),
        ("Giấy phép lái xe (GPLX)", "giay phep lai xe gplx"),
        ("1.000894", "1 000894"),
        ("  nhiều   khoảng   trắng ", "nhieu khoang trang"),
        ("😀 % ' \"", ""),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


def test_fold_decomposed_input_equals_composed():
    decomposed = "Đăng ký".encode().decode()
    import unicodedata

    assert fold(unicodedata.normalize("NFD", "Đăng ký khai sinh")) == fold("Đăng ký khai sinh")
    assert nfc(unicodedata.normalize("NFD", decomposed)) == unicodedata.normalize("NFC", decomposed)


def test_fold_words_is_list():
    assert fold_words("Cấp căn cước") == ["cap", "can", "cuoc"]
