"""One update's unit of work: who writes, where, what they may do and in which language, read once.

:func:`load` reads the person, their roles, the chat (and what it is bound to) and whether a catalog is in
force in one transaction; the handlers of the update take it from there instead of opening sessions of
their own to ask again. What the bot keeps about the people and chats it meets (names, a chat's title, the
one-time hint that ``/bahasa en`` exists) is written by :func:`record`, in a second transaction, and only
when :func:`to_record` says that something changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from bot.core.clock import Clock
from bot.core.i18n import SUPPORTED
from bot.core.models import Chat, Person
from bot.domain.catalog import catalog_in_force
from bot.domain.language import english_app
from bot.domain.people import SEEN_EVERY, Grants, grants, person_changed, seen


@dataclass(frozen=True)
class Meeting:
    """What Telegram says about an update's sender and chat."""

    user_id: int | None
    is_bot: bool = False
    first_name: str = ""
    username: str | None = None
    app_language: str | None = None  # the sender's Telegram app language (``language_code``)
    chat_id: int | None = None
    chat_kind: str = ""
    chat_title: str = ""
    hint_possible: bool = False  # a message in the person's private chat: the place for the /bahasa en hint
    choosing: bool = False  # this very message is /bahasa: the hint would come too late (counts as told)

    @property
    def private(self) -> bool:
        return self.chat_kind == "private"


@dataclass(frozen=True)
class Visit:
    """Everything the handlers of one update need about who writes and where, read in one transaction."""

    meeting: Meeting
    person: Person | None  # as stored (detached); None for someone the bot has not met yet
    chat: Chat | None  # as stored (detached)
    grants: Grants
    catalog_id: int | None = None  # the catalog in force, if any
    sample_catalog: bool = False  # ... and whether it is the sample catalog
    told_of_english: bool = False  # the /bahasa en hint is due with this update (written by ``record``)

    @property
    def language(self) -> str | None:
        """The person's /bahasa choice in a private chat; None otherwise (a group reads ``PANTAU_LOCALE``)."""
        if not self.meeting.private or self.person is None:
            return None
        return self.person.language if self.person.language in SUPPORTED else None

    @property
    def home_province(self) -> str | None:
        return self.grants.home_province

    @property
    def has_catalog(self) -> bool:
        return self.catalog_id is not None


def load(session: Session, admin_ids: frozenset[int], meeting: Meeting) -> Visit:
    """The visit of ``meeting``: person, chat (and its binding), grants and the catalog in force."""
    person = session.get(Person, meeting.user_id) if meeting.user_id is not None else None
    chat = session.get(Chat, meeting.chat_id) if meeting.chat_id is not None else None
    catalog = catalog_in_force(session)
    return Visit(meeting, person, chat, grants(session, admin_ids, meeting.user_id, meeting.chat_id),
                 catalog.id if catalog else None, bool(catalog and catalog.is_sample))


def hint_due(visit: Visit) -> bool:
    """The one-time line saying that /bahasa en exists: a person whose Telegram app is in English, who has
    chosen no language and has not been told, writing a message in their private chat."""
    m, person = visit.meeting, visit.person
    if m.user_id is None or m.is_bot or not m.hint_possible or not english_app(m.app_language):
        return False
    return person is None or (person.language not in SUPPORTED and person.language_hint_at is None)


def to_record(visit: Visit, now: datetime) -> bool:
    """Whether :func:`record` has anything to write: someone new or changed, a chat new or renamed, a hint.
    Only ``last_seen`` being old is not enough (:func:`seen_again`)."""
    m = visit.meeting
    person, chat = visit.person, visit.chat
    if m.user_id is not None and not m.is_bot and person_changed(person, m.first_name, m.username, m.app_language):
        return True
    if m.chat_id is not None and (chat is None or (chat.title, chat.kind) != (m.chat_title, m.chat_kind)):
        return True
    return hint_due(visit)


def seen_again(visit: Visit, now: datetime) -> bool:
    """Someone known and unchanged whose ``last_seen`` is older than ``SEEN_EVERY``: a refresh that can wait
    (``bot.domain.last_seen``), unlike what :func:`to_record` asks for."""
    person = visit.person
    return person is not None and not visit.meeting.is_bot and now - person.last_seen > SEEN_EVERY


def record(session: Session, clock: Clock, visit: Visit) -> Visit:
    """Remember the person and the chat as Telegram shows them now, and that the hint was given; returns the
    visit as it stands after (``told_of_english``: say the hint now)."""
    m, now = visit.meeting, clock.now()
    due = hint_due(visit)
    person = visit.person
    if m.user_id is not None and not m.is_bot:
        person = seen(session, clock, m.user_id, m.first_name, m.username, m.app_language)
        if due:
            person.language_hint_at = now
    chat = visit.chat
    if m.chat_id is not None:
        chat = session.get(Chat, m.chat_id)
        if chat is None:
            chat = Chat(id=m.chat_id, kind=m.chat_kind, title=m.chat_title, updated_at=now)
            session.add(chat)
        elif (chat.title, chat.kind) != (m.chat_title, m.chat_kind):
            chat.title, chat.kind, chat.updated_at = m.chat_title, m.chat_kind, now
    session.flush()
    return replace(visit, person=person, chat=chat, told_of_english=due and not m.choosing)
