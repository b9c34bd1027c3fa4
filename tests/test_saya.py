"""First contact: /saya (anyone learns their id, roles and regions), /start of a stranger, /batal's words."""

from __future__ import annotations

from telegram import Update

from tests.conftest import ADMIN, PIC, STAF, BotHarness, make_settings, refused, replies

STRANGER = 8080


async def test_saya_tells_a_stranger_their_id_and_that_they_need_an_invitation(bot):
    (reply,) = replies(await bot.say("/saya", STRANGER))
    text = reply.params["text"]
    assert "<b>Tentang Anda</b>" in text and "ID Telegram: <code>8080</code>" in text
    assert "Nama: Pengguna" in text and "Peran: belum ada." in text and "Bahasa: Indonesia" in text
    assert "mintalah tautan undangan kepada Bidang HAM Kanwil di provinsi Anda" in text
    assert "PANTAU_ADMIN_IDS" not in text  # there is an admin: no operator's advice for a stranger
    assert not refused(text)


async def test_saya_lists_roles_regions_and_reminders(bot):
    from bot.domain.subscriptions import subscribe
    from bot.reference import regions

    with bot.runtime.session() as session:
        subscribe(session, bot.runtime.clock, PIC, regions()["63.05"], PIC)
    (pic,) = replies(await bot.say("/saya", PIC))
    assert "• PIC (narahubung kab/kota) untuk Kabupaten Tapin" in pic.params["text"]
    assert "Pengingat di chat ini: Kabupaten Tapin" in pic.params["text"]
    (staf,) = replies(await bot.say("/saya", STAF))
    assert "• staf Bidang HAM untuk Provinsi Kalimantan Selatan" in staf.params["text"]
    (admin,) = replies(await bot.say("/saya", ADMIN))
    assert "• admin (dari pengaturan PANTAU_ADMIN_IDS)" in admin.params["text"]
    assert admin.params["text"].count("• admin") == 1  # bootstrapped from the setting: listed once


async def test_saya_in_a_group_points_to_the_private_chat(bot):
    (reply,) = replies(await bot.say("/saya", PIC, chat_id=-100900))
    assert "chat pribadi" in reply.params["text"] and "444" not in reply.params["text"]


async def test_saya_before_the_first_admin_says_how_to_become_one(catalog):
    from sqlmodel import delete

    from bot.core.models import RoleBinding

    catalog.settings = make_settings(str(catalog.engine.url), admin_ids=frozenset())
    with catalog.session() as session:  # a fresh installation: nobody is an admin yet
        session.exec(delete(RoleBinding))
    harness = BotHarness(catalog)
    await harness.app.initialize()
    try:
        (reply,) = replies(await harness.say("/saya", 5555))
    finally:
        await harness.app.shutdown()
    text = reply.params["text"]
    assert "ID Telegram: <code>5555</code>" in text
    assert "Belum ada admin" in text and "<code>PANTAU_ADMIN_IDS</code>" in text and "<code>.env</code>" in text
    assert not harness.api.refusals


async def test_saya_in_english_for_those_who_chose_it(bot):
    await bot.say("/bahasa en", STRANGER)
    (reply,) = replies(await bot.say("/saya", STRANGER))
    assert "<b>About you</b>" in reply.params["text"] and "Telegram ID: <code>8080</code>" in reply.params["text"]
    assert "Language: English (chosen with /bahasa en)" in reply.params["text"]


async def test_saya_is_in_the_menus_and_the_help(bot):
    menus = bot.api.menus
    assert "saya" in menus[("default", None, "")] and "saya" in menus[("chat", ADMIN, "")]
    assert "saya" not in menus[("all_group_chats", None, "")]
    (help_,) = replies(await bot.say("/bantuan", PIC))
    assert "/saya" in help_.params["text"]


async def test_a_strangers_start_says_they_need_an_invitation_from_their_kanwil(bot):
    (reply,) = replies(await bot.say("/start", STRANGER))
    text = reply.params["text"]
    assert text.startswith("Halo, Pengguna!")
    assert "Anda belum terdaftar: mintalah tautan undangan kepada Bidang HAM Kanwil di provinsi Anda" in text
    assert "/saya" in text and "/checklist" not in text and "/umumkan" not in text  # not every command
    # where the bot introduces itself, the institutions and programmes are named in full
    assert ("<b>Pantau HAM</b> membantu Bidang HAM Kantor Wilayah Kementerian Hak Asasi Manusia (Kanwil) dan "
            "pemerintah kabupaten/kota memantau Kabupaten/Kota Peduli HAM (KKP HAM) dan Aksi HAM dalam Rencana Aksi "
            "Nasional HAM (RANHAM).") in text
    (help_,) = replies(await bot.say("/bantuan", STRANGER))
    assert "mintalah tautan undangan" in help_.params["text"] and "/checklist" in help_.params["text"]
    (pic_help,) = replies(await bot.say("/bantuan", PIC))
    assert "mintalah tautan undangan" not in pic_help.params["text"]


async def test_batal_answers_in_the_readers_language(bot):
    (id_,) = replies(await bot.say("/batal", PIC))
    assert id_.params["text"] == "Tidak ada yang sedang berlangsung."
    await bot.say("/bahasa en", PIC)
    (en,) = replies(await bot.say("/batal", PIC))
    assert en.params["text"] == "Nothing is in progress."
    await bot.say("/jadwal_tambah", STAF)
    data = bot.factory.message("/batal", STAF).to_dict()
    await bot.app.process_update(Update.de_json(data, bot.app.bot))
    assert bot.api.last().params["text"] == "Dibatalkan; tidak ada yang diubah."
