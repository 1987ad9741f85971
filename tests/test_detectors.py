"""Built-in detectors: checksums decide, not patterns alone; service lines and role mailboxes
pass."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smilepress.checks.detectors import (
    DETECTORS,
    find_bank_cards,
    find_emails,
    find_id_numbers,
    find_phones,
    find_secrets,
    id_check_digit,
    id_number_valid,
    luhn_valid,
)

TODAY = dt.date(2026, 11, 28)


def with_luhn(prefix: str) -> str:
    for d in "0123456789":
        if luhn_valid(prefix + d):
            return prefix + d
    raise AssertionError


def test_gb11643_reference_number():
    assert id_check_digit("11010519491231002") == "X"
    assert id_number_valid("11010519491231002X", TODAY)
    assert id_number_valid("11010519491231002x", TODAY)
    assert not id_number_valid("110105194912310021", TODAY)  # wrong check character
    assert not id_number_valid("11010519491331002X", TODAY)  # month 13
    assert not id_number_valid("99010519491231002X", TODAY)  # no such province


def test_an_id_number_counts_from_its_holders_birth_date_as_of_the_day_given():
    first17 = "11010520261201001"
    number = first17 + id_check_digit(first17)
    assert not id_number_valid(number, dt.date(2026, 11, 30))
    assert id_number_valid(number, dt.date(2026, 12, 1))
    assert find_id_numbers(f"证件 {number}", dt.date(2026, 11, 30)) == []
    assert DETECTORS["id-card"](f"证件 {number}", dt.date(2026, 12, 1))[0].value == number
    assert DETECTORS["id-card"].turning_days(f"证件 {number}") == [dt.date(2026, 12, 1)]


def test_the_detectors_are_a_fixed_table():
    assert set(DETECTORS) == {
        "phone",
        "id-card",
        "bank-card",
        "email",
        "secret",
        "ad-whitelist",
    }
    with pytest.raises(TypeError):
        DETECTORS["mine"] = find_phones  # registration is the table in detectors.py, not a mutation


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["11", "31", "44", "51"]),
    st.integers(0, 9999),
    st.dates(dt.date(1930, 1, 1), dt.date(2020, 12, 31)),
    st.integers(0, 999),
)
def test_id_numbers_are_found_exactly_when_the_check_character_is_right(province, area, born, seq):
    first17 = f"{province}{area:04d}{born:%Y%m%d}{seq:03d}"
    good = first17 + id_check_digit(first17)
    text = f"患者身份证号：{good}，请勿外传。"
    assert [d.value for d in find_id_numbers(text, TODAY)] == [good]
    for wrong in "0123456789X":
        if wrong != good[-1]:
            assert find_id_numbers(f"身份证 {first17}{wrong}", TODAY) == []


def test_id_inside_a_longer_number_is_not_an_id():
    first17 = "44010619900101123"
    good = first17 + id_check_digit(first17)
    assert find_id_numbers(f"订单号 9{good}7", TODAY) == []
    assert (
        len(
            find_id_numbers(
                f"证件：{good.translate({ord(c): ord(c) + 0xFEE0 for c in '0123456789'})}", TODAY
            )
        )
        == 1
    )


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["6222", "6217", "6228", "4367", "5187"]),
    st.text("0123456789", min_size=11, max_size=14),
    st.sampled_from(["", " ", "-"]),
)
def test_bank_cards_pass_luhn_or_are_not_flagged(prefix, middle, sep):
    number = with_luhn(prefix + middle)
    grouped = sep.join(number[i : i + 4] for i in range(0, len(number), 4))
    found = find_bank_cards(f"退款请打到 {grouped} 这张卡")
    if len(set(number)) > 2:
        assert [d.value for d in found] == [grouped]
    broken = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert find_bank_cards(f"卡号 {broken}") == []


def test_a_phone_number_beside_other_digits_is_no_card():
    assert find_bank_cards("电话 13800138000 12345，工号 1234 5678") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("请拨打 13800138000 预约", ["13800138000"]),
        ("手机：138 0013 8000", ["138 0013 8000"]),
        ("+86 139-1234-5678", ["+86 139-1234-5678"]),
        ("全角 １３８００１３８０００", ["１３８００１３８０００"]),
        ("座机 020-88886666", ["020-88886666"]),
        ("（0755）23456789", ["（0755）23456789"]),  # full-width brackets read as brackets
        ("客服热线 400-820-8820，800-810-8888", []),  # the clinic's service lines
        ("订单 2026112813800138000", []),  # part of a longer number
        ("术后 12 小时内", []),
        ("12345678901", []),  # 12x is no mobile prefix
    ],
)
def test_phones(text, expected):
    assert [d.value for d in find_phones(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系 zhang.san@qq.com", ["zhang.san@qq.com"]),
        ("投诉请发 service@smile-dental.example.com 或 kefu@example.com", []),
        ("全角 ｌｉｓｉ＠１６３．ｃｏｍ", ["ｌｉｓｉ＠１６３．ｃｏｍ"]),
        ("不是邮箱：a@b", []),
    ],
)
def test_emails(text, expected):
    assert [d.value for d in find_emails(text)] == expected


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("AKIAIOSFODNN7EXAMPLE", "AWS 访问密钥"),
        ("token ghp_" + "a1B2" * 9, "GitHub 令牌"),
        ("LTAI5tQbZq8mV2xY7nP3", "阿里云 AccessKey"),
        ("-----BEGIN RSA PRIVATE KEY-----", "私钥"),
        ('app_secret: "9f8e7d6c5b4a39281706"', "密钥或密码"),
        ("password=Sm1le!2026", "密钥或密码"),
    ],
)
def test_secrets(text, label):
    assert [d.detail for d in find_secrets(text)] == [label]


def test_no_secret_in_ordinary_prose():
    assert find_secrets("密码请向信息安全负责人申请，不要写在文档里。password 字段留空。") == []
