"""Long messages are split where Telegram needs it, values never break the HTML."""

from __future__ import annotations

from bot.render import MAX_MESSAGE, split_message
from bot.render import callbacks as cb


def test_short_text_is_one_chunk():
    assert split_message("halo\ndunia") == ["halo\ndunia"]


def test_long_text_splits_on_lines_under_the_limit():
    lines = [f"{i:04d} " + "x" * 95 for i in range(200)]  # 20,000 characters
    chunks = split_message("\n".join(lines))
    assert len(chunks) == 5
    assert all(len(c) <= MAX_MESSAGE for c in chunks)
    assert "\n".join(chunks) == "\n".join(lines)


def test_a_single_overlong_line_is_cut():
    chunks = split_message("y" * (MAX_MESSAGE * 2 + 10))
    assert [len(c) for c in chunks] == [MAX_MESSAGE, MAX_MESSAGE, 10]


def test_callback_data_round_trip_and_limit():
    data = cb.build(cb.SET_STATE, "63.05", "10.12", "terverifikasi", cb.IN_PLACE)
    parsed = cb.parse(data)
    assert parsed.action == cb.SET_STATE and parsed.args[:3] == ("63.05", "10.12", "terverifikasi")
    assert parsed.in_place
    import pytest

    with pytest.raises(ValueError):
        cb.build(cb.SET_STATE, "63.05", "x" * 60, "lengkap")
