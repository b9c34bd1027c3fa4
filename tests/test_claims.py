"""One claim per one-time thing (``bot.core.claims``): two sessions racing behind a barrier, many trials, on
PostgreSQL (``TEST_DATABASE_URL``) and on SQLite. Exactly one wins; the other gets a clear ``UserError``
(never an IntegrityError or a second application)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.core.errors import UserError
from bot.core.models import AuditEntry, ConversationState, Invite, Outbox, Role, RoleBinding, Subscription
from bot.domain import conversations
from bot.domain.catalog import import_sample
from bot.domain.conversations import Conversation
from bot.domain.people import accept_invite, create_invite
from bot.domain.runtime import Runtime
from bot.domain.subscriptions import subscribe
from bot.messaging import broadcasts
from bot.reference import provinces, regions
from handlers.files import IMPORT, _take
from tests.conftest import make_settings

TRIALS = 12
STAF = 333
GROUPS = (-100_801, -100_802, -100_803)


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request, clock) -> Iterator[Runtime]:
    """One database that every racing session opens its own connection to."""
    if request.param == "sqlite":
        rt = request.getfixturevalue("runtime")
        yield rt
        return
    rt = Runtime.start(make_settings(request.getfixturevalue("pg_url")), clock)
    try:
        yield rt
    finally:
        rt.engine.dispose()


def race(n: int, attempt: Callable[[int], object]) -> list[tuple[str, object]]:
    """Run ``attempt(i)`` in ``n`` threads released together; each result is ("ok", value),
    ("refused", message id) for a UserError, or ("error", repr) for anything else."""
    barrier = threading.Barrier(n)
    results: list[tuple[str, object]] = [("error", "did not run")] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = ("ok", attempt(i))
        except UserError as exc:
            results[i] = ("refused", exc.message)
        except Exception as exc:  # noqa: BLE001 - what the test is looking for
            results[i] = ("error", repr(exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_one_invitation_opened_by_two_people_at_once_binds_one(shared):
    rt = shared
    for trial in range(TRIALS):
        with rt.session() as session:
            token = create_invite(session, rt.clock, Role.PIC, regions()["63.01"], STAF).token
        people = (10_000 + 2 * trial, 10_001 + 2 * trial)

        def accept(i: int, token: str = token, people: tuple = people) -> str:
            with rt.session() as session:
                return accept_invite(session, rt.clock, token, people[i]).target_code

        results = race(2, accept)
        assert sorted(kind for kind, _ in results) == ["ok", "refused"], results
        (refusal,) = [value for kind, value in results if kind == "refused"]
        assert refusal == "Tautan undangan ini sudah dipakai. Minta tautan baru ke staf Kanwil."
        with rt.session() as session:
            bound = session.exec(select(RoleBinding).where(RoleBinding.user_id.in_(people))).all()
            invite = session.get(Invite, token)
            subscribed = session.exec(select(Subscription).where(Subscription.chat_id.in_(people))).all()
            audited = session.exec(select(AuditEntry).where(AuditEntry.action == "binding.add",
                                                            AuditEntry.actor_id.in_(people))).all()
        assert len(bound) == 1 and invite.used_by == bound[0].user_id, trial
        assert [s.chat_id for s in subscribed] == [invite.used_by] and len(audited) == 1


def test_the_same_person_twice_at_once_is_bound_once_and_welcomed_both_times(shared):
    rt = shared
    for trial in range(TRIALS // 2):
        with rt.session() as session:
            token = create_invite(session, rt.clock, Role.PEMANTAU, regions()["63.05"], STAF).token
        person = 20_000 + trial

        def accept(i: int, token: str = token, person: int = person) -> str:
            with rt.session() as session:
                return accept_invite(session, rt.clock, token, person).target_code

        assert race(2, accept) == [("ok", "63.05"), ("ok", "63.05")]
        with rt.session() as session:
            assert len(session.exec(select(RoleBinding).where(RoleBinding.user_id == person)).all()) == 1


def test_one_previewed_import_kirim_pressed_twice_at_once_is_taken_once(shared):
    rt = shared
    chat = person = 4_444
    for trial in range(TRIALS):
        token = f"t{trial:03d}"
        with rt.session() as session:
            conversations.save(session, rt.clock, chat, person, Conversation(IMPORT, "preview", {
                "token": token, "file_id": "f", "unique": "u", "name": "progres.xlsx", "size": 10}))
        results = race(2, lambda i, token=token: _take(rt, chat, person, token, ok=True))
        taken = [value for _, value in results if isinstance(value, Conversation)]
        assert len(taken) == 1 and [value for _, value in results if value == "taken"] == ["taken"], results
        with rt.session() as session:
            assert conversations.current(session, rt.clock, chat, person, IMPORT).step == "applying"
        # and "Kirim" against "Batal" at once: one of them
        with rt.session() as session:
            conversations.save(session, rt.clock, chat, person, Conversation(IMPORT, "preview", {"token": token}))
        results = race(2, lambda i, token=token: _take(rt, chat, person, token, ok=i == 0))
        assert Counter(isinstance(value, Conversation) for _, value in results) == Counter({True: 1, False: 1})


def test_one_broadcast_confirmed_from_two_presses_at_once_is_queued_and_audited_once(shared):
    rt = shared
    kalsel = provinces()["63"]
    with rt.session() as session:
        import_sample(session, rt.clock)
        session.add_all([Subscription(chat_id=g, target_code="63", created_by=STAF, created_at=rt.clock.now())
                         for g in GROUPS])
    for trial in range(TRIALS):
        with rt.session() as session:
            cast = broadcasts.create(session, rt.clock, kalsel, STAF, f"<b>Hasil {trial}</b>\nIsi.", b"\x89PNG")

        def confirm(i: int, cast_id: int = cast.id) -> int:
            with rt.session() as session:
                return broadcasts.confirm(session, rt.clock, cast_id, STAF, kalsel, {})

        results = race(2, confirm)
        assert sorted(results) == [("ok", len(GROUPS)), ("refused", broadcasts.ALREADY_DONE)], results
        with rt.session() as session:
            rows = session.exec(select(Outbox).where(Outbox.broadcast_id == cast.id)).all()
            audited = session.exec(select(AuditEntry).where(AuditEntry.action == "broadcast.confirm",
                                                            AuditEntry.subject == f"broadcast#{cast.id}")).all()
        assert sorted(r.chat_id for r in rows) == sorted(GROUPS) and len(audited) == 1


def test_confirm_and_cancel_at_once_do_one_of_them(shared):
    rt = shared
    kalsel = provinces()["63"]
    for _ in range(TRIALS // 2):
        with rt.session() as session:
            cast = broadcasts.create(session, rt.clock, kalsel, STAF, "<b>Hasil</b>", b"\x89PNG")

        def press(i: int, cast_id: int = cast.id) -> str:
            with rt.session() as session:
                if i == 0:
                    broadcasts.confirm(session, rt.clock, cast_id, STAF, kalsel, {})
                    return "confirmed"
                broadcasts.cancel(session, cast_id)
                return "cancelled"

        results = race(2, press)
        assert Counter(kind for kind, _ in results) == Counter({"ok": 1, "refused": 1}), results
        with rt.session() as session:
            assert session.get(broadcasts.Broadcast, cast.id).status == next(v for k, v in results if k == "ok")


def test_a_conversation_saved_from_two_copies_at_once_never_collides(shared):
    rt = shared
    for trial in range(TRIALS):
        chat = person = 30_000 + trial

        def save(i: int, chat: int = chat) -> None:
            with rt.session() as session:
                conversations.save(session, rt.clock, chat, chat, Conversation("jadwal_tambah", f"step{i}", {"i": i}))

        assert race(2, save) == [("ok", None), ("ok", None)]
        with rt.session() as session:
            (row,) = session.exec(select(ConversationState).where(ConversationState.chat_id == chat)).all()
        assert row.step in ("step0", "step1") and row.user_id == person


def test_a_conversation_step_is_claimed_once(shared):
    """What "Simpan" of /jadwal_tambah and a note after "Tambah tautan/catatan" rely on."""
    rt = shared
    chat = 5_555
    for trial in range(TRIALS):
        with rt.session() as session:
            conversations.save(session, rt.clock, chat, chat, Conversation("jadwal_tambah", "confirm", {"n": trial}))
            seen = conversations.current(session, rt.clock, chat, chat)

        def claim(i: int, seen: Conversation = seen) -> bool:
            with rt.session() as session:
                return conversations.claim(session, rt.clock, chat, chat, seen)

        assert sorted(race(2, claim)) == [("ok", False), ("ok", True)]


def test_a_claim_fails_on_a_conversation_that_changed_or_expired(runtime):
    rt = runtime
    with rt.session() as session:
        conversations.save(session, rt.clock, 1, 2, Conversation("k", "a", {"x": 1}))
        seen = conversations.current(session, rt.clock, 1, 2)
        conversations.save(session, rt.clock, 1, 2, Conversation("k", "a", {"x": 2}))  # another update moved on
        assert not conversations.claim(session, rt.clock, 1, 2, seen)
        seen = conversations.current(session, rt.clock, 1, 2)
        rt.clock.advance(timedelta(minutes=31))
        assert not conversations.claim(session, rt.clock, 1, 2, seen)
        assert conversations.current(session, rt.clock, 1, 2) is None


def test_one_chat_subscribed_from_two_copies_at_once_has_one_row_and_one_audit_entry(shared):
    rt = shared
    for trial in range(TRIALS):
        chat = -100_500 - trial

        def subscribe_it(i: int, chat: int = chat) -> bool:
            with rt.session() as session:
                return subscribe(session, rt.clock, chat, regions()["63.05"], STAF)[1]

        results = race(2, subscribe_it)
        assert sorted(results) == [("ok", False), ("ok", True)], results
        with rt.session() as session:
            assert len(session.exec(select(Subscription).where(Subscription.chat_id == chat)).all()) == 1
            assert len(session.exec(select(AuditEntry).where(AuditEntry.action == "subscription.add",
                                                             AuditEntry.subject == f"chat:{chat}")).all()) == 1
