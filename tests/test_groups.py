"""Groups: binding by admins/staf who are also group admins, unbinding, being added or removed,
becoming a supergroup, commands only, /command@botname."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.core.models import Chat, Subscription
from bot.domain.subscriptions import seen_chat, set_membership
from tests.conftest import ADMIN, PIC, STAF, VIEWER, grant, refused, replies
from tests.fakes import buttons_of

GROUP = -100555


def subs(rt, chat_id=None):
    with rt.session() as session:
        rows = session.exec(select(Subscription).order_by(Subscription.id)).all()
    return [(s.chat_id, s.target_code, s.active) for s in rows if chat_id is None or s.chat_id == chat_id]


async def test_binding_needs_a_telegram_group_admin(bot):
    bot.api.member_status[(GROUP, STAF)] = "member"
    (reply,) = replies(await bot.say("/langganan Kalsel", STAF, chat_id=GROUP))
    assert "Hanya administrator grup" in reply.params["text"]
    assert subs(bot.runtime) == []
    bot.api.member_status[(GROUP, STAF)] = "administrator"
    (reply,) = replies(await bot.say("/langganan Kalsel", STAF, chat_id=GROUP))
    assert "menerima pengingat untuk Provinsi Kalimantan Selatan" in reply.params["text"]
    assert subs(bot.runtime) == [(GROUP, "63", True)]


async def test_unbinding(bot):
    await bot.say("/langganan Tapin", ADMIN, chat_id=GROUP)
    (reply,) = replies(await bot.say("/berhenti", VIEWER, chat_id=GROUP))
    assert refused(reply.params["text"])
    (reply,) = replies(await bot.say("/berhenti", STAF, chat_id=GROUP))
    assert "tidak lagi menerima" in reply.params["text"]
    assert subs(bot.runtime) == [(GROUP, "63.05", False)]
    (reply,) = replies(await bot.say("/berhenti", STAF, chat_id=GROUP))
    assert "belum terhubung dengan wilayah mana pun" in reply.params["text"]


async def test_the_bound_group_sees_its_own_region(bot):
    await bot.say("/langganan Tapin", ADMIN, chat_id=GROUP)
    (reply,) = replies(await bot.say("/status", 4321, chat_id=GROUP))  # any member of the bound group
    assert "<b>Kabupaten Tapin</b>" in reply.params["text"]


async def test_added_and_removed(bot):
    await bot.app.process_update(bot.factory.my_member(GROUP, "member", STAF, "Forum KKP HAM Kalsel"))
    greeting = bot.api.last()
    assert greeting.params["chat_id"] == GROUP and "/langganan" in greeting.params["text"]
    assert ("Kabupaten/Kota Peduli HAM (KKP HAM) dan Aksi HAM untuk Bidang HAM Kantor Wilayah Kementerian Hak Asasi "
            "Manusia") in greeting.params["text"]
    with bot.runtime.session() as session:
        chat = session.get(Chat, GROUP)
    assert (chat.title, chat.member) == ("Forum KKP HAM Kalsel", True)
    await bot.say("/langganan Kalsel", STAF, chat_id=GROUP)
    await bot.app.process_update(bot.factory.my_member(GROUP, "kicked", 9))
    assert subs(bot.runtime) == [(GROUP, "63", False)]
    with bot.runtime.session() as session:
        assert session.get(Chat, GROUP).member is False


async def test_a_group_becoming_a_supergroup_keeps_its_subscriptions(bot):
    old, new = -4001, -1004001
    await bot.say("/langganan Tapin", ADMIN, chat_id=old)
    await bot.app.process_update(bot.factory.migrated(old, new, title="Grup KKP HAM Tapin"))
    assert subs(bot.runtime) == [(new, "63.05", True)]
    with bot.runtime.session() as session:  # delivery reports name it, not "-1004001"
        assert (session.get(Chat, new).title, session.get(Chat, new).member) == ("Grup KKP HAM Tapin", True)
        assert session.get(Chat, old).member is False


async def test_commands_only_and_the_bot_name(bot):
    await bot.say("/langganan Tapin", ADMIN, chat_id=GROUP)
    assert replies(await bot.say("halo semua", STAF, chat_id=GROUP)) == []
    (reply,) = replies(await bot.say("/status@PantauHAMBot Tapin", STAF, chat_id=GROUP))
    assert "<b>Kabupaten Tapin</b>" in reply.params["text"]
    assert replies(await bot.say("/status@BotLain Tapin", STAF, chat_id=GROUP)) == []


def test_a_chat_is_remembered_and_its_new_title_kept(runtime, clock):
    with runtime.session() as session:
        seen_chat(session, clock, GROUP, "group", "HAM Kalsel")
    first = clock.now()
    clock.advance(timedelta(hours=1))
    with runtime.session() as session:
        seen_chat(session, clock, GROUP, "group", "HAM Kalsel")  # nothing changed: not touched
    with runtime.session() as session:
        row = session.get(Chat, GROUP)
        assert (row.kind, row.title, row.member, row.updated_at) == ("group", "HAM Kalsel", True, first)
        seen_chat(session, clock, GROUP, "supergroup", "HAM Kalimantan Selatan")
    with runtime.session() as session:
        row = session.get(Chat, GROUP)
        assert (row.kind, row.title, row.updated_at) == ("supergroup", "HAM Kalimantan Selatan", clock.now())


def test_the_bot_leaving_and_joining_a_chat_is_recorded(runtime, clock):
    with runtime.session() as session:
        set_membership(session, clock, GROUP, "group", "HAM Kalsel", False)  # met for the first time
    with runtime.session() as session:
        row = session.get(Chat, GROUP)
        assert (row.kind, row.title, row.member) == ("group", "HAM Kalsel", False)
        set_membership(session, clock, GROUP, "group", "another title", True)
    with runtime.session() as session:
        row = session.get(Chat, GROUP)
        assert (row.title, row.member) == ("HAM Kalsel", True)  # the title is remember()'s business


async def test_a_command_needing_a_right_on_the_place_falls_back_from_the_groups_binding_to_the_askers_own(bot):
    """In a group bound to Tapin, a PIC of HSS asking /riwayat gets HSS's history (not a refusal about Tapin); in
    a group bound to Kalsel, Tapin's PIC asking /templat gets Tapin's format, not a picker of all 13 kab/kota."""
    hss_pic, tapin_group, kalsel_group = 555, -100777, -100778
    grant(bot.runtime, hss_pic, "pic", "63.06")
    await bot.say("/langganan Tapin", ADMIN, chat_id=tapin_group)
    await bot.say("/langganan Kalsel", ADMIN, chat_id=kalsel_group)
    (reply,) = replies(await bot.say("/riwayat", hss_pic, chat_id=tapin_group))
    assert reply.params["text"].startswith("<b>Riwayat Kabupaten Hulu Sungai Selatan</b>")
    calls = await bot.say("/templat", PIC, chat_id=kalsel_group)
    (document,) = [c for c in calls if c.method == "sendDocument"]
    assert document.params["caption"].startswith("Format isian progres Kabupaten Tapin:")
    assert replies(calls) == []


async def test_the_groups_binding_stays_the_default_for_reading_and_where_the_asker_may_act(bot):
    hss_pic, tapin_group, kalsel_group = 555, -100777, -100778
    grant(bot.runtime, hss_pic, "pic", "63.06")
    await bot.say("/langganan Tapin", ADMIN, chat_id=tapin_group)
    await bot.say("/langganan Kalsel", ADMIN, chat_id=kalsel_group)
    (reply,) = replies(await bot.say("/status", hss_pic, chat_id=tapin_group))  # reading: the group's kab/kota
    assert reply.params["text"].startswith("<b>Kabupaten Tapin</b>")
    (reply,) = replies(await bot.say("/riwayat", STAF, chat_id=tapin_group))  # the staf's own province's kab/kota
    assert reply.params["text"].startswith("<b>Riwayat Kabupaten Tapin</b>")
    (reply,) = replies(await bot.say("/templat", STAF, chat_id=kalsel_group))  # a kab/kota of the province to pick
    assert reply.params["text"] == "Pilih kab/kota di Provinsi Kalimantan Selatan:"
    assert len(buttons_of(reply)) == 13
