"""Which chats receive the reminders of which kab/kota or province."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.core.claims import claimed, dialect_insert
from bot.core.clock import Clock
from bot.core.models import Chat, Subscription
from bot.domain import audit
from bot.reference import ProvinceRef, RegionRef


def subscribe(session: Session, clock: Clock, chat_id: int, target: RegionRef | ProvinceRef,
              actor: int | None) -> tuple[Subscription, bool]:
    """Bind ``chat_id`` to ``target``; returns (subscription, newly active). Two copies subscribing one chat
    at once never collide: the row is inserted with ``ON CONFLICT DO NOTHING`` (``bot.core.claims``)."""
    query = select(Subscription).where(Subscription.chat_id == chat_id, Subscription.target_code == target.code)
    sub = session.exec(query).first()
    was_active = sub is not None and sub.active
    if sub is None:
        inserted = session.execute(dialect_insert(session)(Subscription).values(
            chat_id=chat_id, target_code=target.code, active=True, created_by=actor, created_at=clock.now(),
        ).on_conflict_do_nothing(index_elements=["chat_id", "target_code"]).returning(Subscription.id)).all()
        sub = session.exec(query).one()
        was_active = not inserted and sub.active  # the other copy was first
    elif not sub.active:
        reactivate = update(Subscription).where(col(Subscription.id) == sub.id, ~col(Subscription.active))
        was_active = not claimed(session, reactivate.values(active=True, created_at=clock.now(), created_by=actor))
        # bound again after /berhenti or a block: reminded from now on, like a new one
        session.refresh(sub)
    session.flush()
    if not was_active:
        region, province = (target.code, None) if len(target.code) > 2 else (None, target.code)
        audit.record(session, clock, actor, "subscription.add", f"chat:{chat_id}", region, province,
                     after={"chat": chat_id, "target": target.code})
    return sub, not was_active


def active_subscriptions(session: Session) -> list[Subscription]:
    return list(session.exec(select(Subscription).where(Subscription.active).order_by(col(Subscription.id))))


def of_chat(session: Session, chat_id: int) -> list[Subscription]:
    return list(session.exec(
        select(Subscription).where(Subscription.chat_id == chat_id, Subscription.active).order_by(col(Subscription.id))
    ))


def deactivate_chat(session: Session, chat_id: int) -> int:
    """The bot was blocked or removed: stop sending there. Returns how many were active."""
    subs = of_chat(session, chat_id)
    for sub in subs:
        sub.active = False
    session.flush()
    return len(subs)


def migrate_chat(session: Session, old_chat_id: int, new_chat_id: int) -> int:
    """A group became a supergroup: its subscriptions follow it to the new id, and so does what the bot knows of
    it (its title, for delivery reports); the old id is no longer a chat the bot is in."""
    old_chat, new_chat = session.get(Chat, old_chat_id), session.get(Chat, new_chat_id)
    if old_chat is not None:
        if new_chat is None:
            session.add(Chat(id=new_chat_id, kind="supergroup", title=old_chat.title, member=old_chat.member,
                             updated_at=old_chat.updated_at))
        elif not new_chat.title:
            new_chat.title = old_chat.title
        old_chat.member = False
    moved = 0
    for sub in session.exec(select(Subscription).where(Subscription.chat_id == old_chat_id)):
        clash = session.exec(select(Subscription).where(
            Subscription.chat_id == new_chat_id, Subscription.target_code == sub.target_code)).first()
        if clash is None:
            sub.chat_id = new_chat_id
            moved += 1
        else:
            clash.active = clash.active or sub.active
            session.delete(sub)
    session.flush()
    return moved


def unsubscribe(session: Session, chat_id: int, target_code: str | None = None) -> int:
    """Stop a chat's reminders (for one target, or all); returns how many were active."""
    count = 0
    for sub in of_chat(session, chat_id):
        if target_code is None or sub.target_code == target_code:
            sub.active = False
            count += 1
    session.flush()
    return count


def seen_chat(session: Session, clock: Clock, chat_id: int, kind: str, title: str) -> Chat:
    """Remember a chat's kind and title (for member lists and delivery reports); changed only when they did."""
    row = session.get(Chat, chat_id)
    if row is None:
        row = Chat(id=chat_id, kind=kind, title=title, updated_at=clock.now())
        session.add(row)
    elif row.title != title or row.kind != kind:
        row.title, row.kind, row.updated_at = title, kind, clock.now()
    return row


def set_membership(session: Session, clock: Clock, chat_id: int, kind: str, title: str, member: bool) -> Chat:
    """The bot was added to (``member``) or removed from a chat; a chat met for the first time is remembered
    with its kind and title."""
    row = session.get(Chat, chat_id)
    if row is None:
        row = Chat(id=chat_id, kind=kind, title=title, updated_at=clock.now())
        session.add(row)
    row.member, row.updated_at = member, clock.now()
    return row
