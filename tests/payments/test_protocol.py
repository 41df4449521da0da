"""The VNPAY 2.1.0 protocol, byte for byte: signature, amounts, dates, order info."""

from datetime import UTC, datetime
from urllib.parse import quote_plus

import pytest

from core.signing import hmac_hex
from payments import vnpay

SECRET = "SECRETKEYFORTESTS"


def test_canonical_sorts_drops_empty_and_hash_fields_and_uses_quote_plus():
    params = {
        "vnp_TxnRef": "261202ABC",
        "vnp_Amount": "10800000",
        "vnp_OrderInfo": "Nop phi ho so 000.21",
        "vnp_BankCode": "",
        "vnp_SecureHash": "ignored",
        "vnp_SecureHashType": "HmacSHA512",
        "other": "not vnp",
        "vnp_ReturnUrl": "https://dvc.example.vn/payments/return/vnpay/?a=1&b=2",
    }
    expected = (
        "vnp_Amount=10800000&vnp_OrderInfo=Nop+phi+ho+so+000.21&vnp_ReturnUrl="
        + quote_plus("https://dvc.example.vn/payments/return/vnpay/?a=1&b=2")
        + "&vnp_TxnRef=261202ABC"
    )
    assert vnpay.canonical(params) == expected
    assert vnpay.sign(SECRET, params) == hmac_hex(SECRET, expected, "sha512")
    assert len(vnpay.sign(SECRET, params)) == 128


def test_verify_covers_every_field_received_not_a_fixed_list():
    signed = vnpay.signed(SECRET, {"vnp_Amount": "100", "vnp_TxnRef": "X"})
    vnpay.verify(SECRET, signed)
    with pytest.raises(vnpay.InvalidSignature):
        vnpay.verify(SECRET, {**signed, "vnp_Extra": "added later"})
    with pytest.raises(vnpay.InvalidSignature):
        vnpay.verify(SECRET, {**signed, "vnp_Amount": "200"})
    with pytest.raises(vnpay.InvalidSignature):
        vnpay.verify(SECRET, {k: v for k, v in signed.items() if k != "vnp_SecureHash"})
    # Upper-case hex (as some gateways send it) still verifies.
    vnpay.verify(SECRET, {**signed, "vnp_SecureHash": signed["vnp_SecureHash"].upper()})
    with pytest.raises(vnpay.InvalidSignature):
        vnpay.verify("", signed)


def test_amount_is_times_100_digits_only():
    assert vnpay.amount_to_gateway(108000) == "10800000"
    assert vnpay.amount_from_gateway("10800000") == 108000
    for bad in ("", "10.800.000", "-100", "1e5", "10800001", None, "1" * 30):
        with pytest.raises(vnpay.MalformedParams):
            vnpay.amount_from_gateway(bad)


def test_dates_are_gmt7_whatever_the_server_zone():
    moment = datetime(2026, 12, 2, 17, 30, 5, tzinfo=UTC)
    assert vnpay.format_date(moment) == "20261203003005"
    assert vnpay.parse_date("20261203003005") == moment
    for bad in ("2026-12-03", "20261303003005", "2026120300300", "abc", None):
        with pytest.raises(vnpay.MalformedParams):
            vnpay.parse_date(bad)
    with pytest.raises(ValueError):
        vnpay.format_date(datetime(2026, 1, 1))  # naive


def test_order_info_has_no_accents_or_special_characters():
    assert vnpay.order_info("Nộp lệ phí hồ sơ 000.21.01.H24-261202-0007 <script>&") == (
        "Nop le phi ho so 000.21.01.H24-261202-0007 script"
    )
    assert vnpay.order_info("Đăng ký") == "Dang ky"


def test_pipe_hash_of_querydr():
    data = {name: f"v{i}" for i, name in enumerate(vnpay.QUERYDR_REQUEST)}
    signed = vnpay.sign_pipe(SECRET, data, vnpay.QUERYDR_REQUEST)
    assert signed["vnp_SecureHash"] == hmac_hex(SECRET, "|".join(f"v{i}" for i in range(9)), "sha512")
    vnpay.verify_pipe(SECRET, signed, vnpay.QUERYDR_REQUEST)
    with pytest.raises(vnpay.InvalidSignature):
        vnpay.verify_pipe(SECRET, {**signed, "vnp_TxnRef": "other"}, vnpay.QUERYDR_REQUEST)


def test_success_needs_both_codes():
    assert vnpay.is_success({"vnp_ResponseCode": "00", "vnp_TransactionStatus": "00"})
    assert not vnpay.is_success({"vnp_ResponseCode": "00", "vnp_TransactionStatus": "01"})
    assert not vnpay.is_success({"vnp_ResponseCode": "07", "vnp_TransactionStatus": "00"})
