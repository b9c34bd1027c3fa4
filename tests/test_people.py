"""Invitations (single use, expiring), members, revoking, and the history of changes."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from bot.core.models import RoleBinding, Subscription
from tests.conftest import ADMIN, PIC, STAF, refused, replies

NEWCOMER = 777


def token_of(text: str) -> str:
    return re.search(r"start=([A-Za-z0-9_-]+)", text).group(1)


async def test_invite_binds_once_and_greets(bot):
    (reply,) = replies(await bot.say("/undang pic Tanah Laut", STAF))
    text = reply.params["text"]
    assert "Undangan PIC (narahubung kab/kota) untuk Kabupaten Tanah Laut" in text
    assert "https://t.me/PantauHAMBot?start=" in text
    assert "berlaku sampai Kamis, 1 Februari 2024 pukul 10.00 WITA" in text
    token = token_of(text)
    (welcome,) = replies(await bot.say(f"/start {token}", NEWCOMER))
    assert "Anda kini PIC (narahubung kab/kota) untuk Kabupaten Tanah Laut" in welcome.params["text"]
    assert "pengingat" in welcome.params["text"]
    with bot.runtime.session() as session:
        binding = session.exec(select(RoleBinding).where(RoleBinding.user_id == NEWCOMER)).one()
        sub = session.exec(select(Subscription).where(Subscription.chat_id == NEWCOMER)).one()
    assert (binding.role, binding.target_code, sub.target_code) == ("pic", "63.01", "63.01")
    (again,) = replies(await bot.say(f"/start {token}", 778))
    assert "sudah dipakai" in again.params["text"]
    with bot.runtime.session() as session:
        assert session.exec(select(RoleBinding).where(RoleBinding.user_id == 778)).all() == []
    (status,) = replies(await bot.say("/status", NEWCOMER))
    assert "<b>Kabupaten Tanah Laut</b>" in status.params["text"]


async def test_invite_expires(bot):
    (reply,) = replies(await bot.say("/undang pemantau Tapin", ADMIN))
    token = token_of(reply.params["text"])
    bot.runtime.clock.advance(timedelta(days=7, seconds=1))
    (late,) = replies(await bot.say(f"/start {token}", NEWCOMER))
    assert "kedaluwarsa" in late.params["text"]
    (unknown,) = replies(await bot.say("/start bukan-token", NEWCOMER))
    assert "tidak dikenal" in unknown.params["text"]


async def test_roles_need_the_right_kind_of_place(bot):
    (reply,) = replies(await bot.say("/undang staf Tapin", ADMIN))
    assert "Peran staf berlaku untuk provinsi" in reply.params["text"]
    (reply,) = replies(await bot.say("/undang pic Kalsel", ADMIN))
    assert "berlaku untuk satu kab/kota" in reply.params["text"]
    (reply,) = replies(await bot.say("/undang raja Tapin", ADMIN))
    assert "Peran “raja” tidak dikenal" in reply.params["text"]


async def test_members_list_and_revoke(bot):
    await bot.say("/start", PIC)
    (listing,) = replies(await bot.say("/anggota Kalsel", STAF))
    text = listing.params["text"]
    assert "<b>Anggota Provinsi Kalimantan Selatan</b>" in text
    assert "staf Bidang HAM, Provinsi Kalimantan Selatan" in text
    assert "Pengguna (#444): PIC (narahubung kab/kota), Kabupaten Tapin" in text
    (done,) = replies(await bot.say(f"/cabut {PIC} Tapin", STAF))
    assert "Dicabut: PIC (narahubung kab/kota) Kabupaten Tapin" in done.params["text"]
    (after,) = replies(await bot.say("/status Tapin", PIC))
    assert refused(after.params["text"])
    (nothing,) = replies(await bot.say(f"/cabut {PIC} Tapin", STAF))
    assert "Tidak ada peran yang dapat dicabut" in nothing.params["text"]
    (env_admin,) = replies(await bot.say(f"/cabut {ADMIN}", ADMIN))
    assert "PANTAU_ADMIN_IDS" in env_admin.params["text"]


async def test_history_records_who_what_before_and_after(bot):
    await bot.say("/tandai Tapin 1.01 proses", PIC)
    await bot.say("/tandai Tapin 1.01 proses", PIC)  # changes nothing: not recorded
    await bot.say("/tandai Tapin 1.01 ditolak Dokumen tidak lengkap", STAF)
    await bot.say("/tandai Tapin 1.01 lengkap https://drive.example/a.pdf", PIC)
    await bot.say("/jadwal_tambah rakor Tapin 2024-06-19 09:00 Rakor", STAF)
    await bot.say("/langganan Tapin", STAF, chat_id=-100321)
    await bot.say("/aksi Tapin B08 2024 2 lengkap", PIC)
    (reply,) = replies(await bot.say("/riwayat Tapin", PIC))
    text = reply.params["text"]
    assert "<b>Riwayat Kabupaten Tapin</b>" in text
    lines = text.split("\n")
    changes = [line for line in lines if "mengubah indikator 1.01" in line]
    assert len(changes) == 3
    assert "di Kabupaten Tapin: perlu perbaikan → lengkap, tautan data dukung ditambahkan." in changes[0]
    assert "#333" in changes[1] and ": proses → perlu perbaikan." in changes[1]
    assert ": belum → proses." in changes[2]
    assert "Kamis, 25 Januari 2024 pukul 10.00 WITA" in changes[0]
    assert "membuat acara “Rakor”, Rabu, 19 Juni 2024." in text
    assert "menghubungkan grup “Grup” dengan Kabupaten Tapin: grup itu menerima pengingat dan pengumuman." in text
    assert "mencatat laporan Aksi 2 B08 2024 untuk Kabupaten Tapin: diajukan." in text
    for internal in ("state:", "None", "target:", "expires_at", "63.05/"):
        assert internal not in text


async def test_history_is_paginated(bot):
    for i in range(1, 13):
        await bot.say(f"/tandai Tapin 2.{i:02d} proses", ADMIN)
        await bot.say(f"/tandai Tapin 3.{i:02d} proses", ADMIN)
    (first,) = replies(await bot.say("/riwayat Tapin", ADMIN))
    assert "Halaman 1 dari 2" in first.params["text"]
    (second,) = replies(await bot.press(first, "Berikutnya ›", ADMIN))
    assert second.method == "editMessageText" and "Halaman 2 dari 2" in second.params["text"]
    assert "mengubah indikator 2.01" in second.params["text"]  # the oldest, last


async def test_command_menus_by_scope_role_and_language(bot):
    """Staff commands only in the private chats of staff and admins; group commands for group admins."""
    menus = bot.api.menus
    default = menus[("default", None, "")]
    assert "status" in default and "umumkan" not in default and "undang" not in default
    assert "cabut" not in default and not menus[("default", None, "en")]  # English apps: the same menu
    assert "umumkan" not in menus[("all_group_chats", None, "")]
    assert "langganan" in menus[("all_chat_administrators", None, "")]
    assert "umumkan" in menus[("chat", ADMIN, "")] and not menus[("chat", ADMIN, "en")]
    await bot.say("/start", PIC)
    assert "tandai" in menus[("chat", PIC, "")] and "umumkan" not in menus[("chat", PIC, "")]
    await bot.say("/start", STAF)
    assert "umumkan" in menus[("chat", STAF, "")]
    # roles change: the menu follows
    from bot.domain.people import seen

    with bot.runtime.session() as session:
        seen(session, bot.runtime.clock, STAF, "Staf", "staf_kalsel")
    await bot.say("/cabut @staf_kalsel", ADMIN)
    assert "umumkan" not in menus[("chat", STAF, "")]
    assert not bot.api.refusals
