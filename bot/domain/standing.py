"""What the flood gate asks before the handlers run: is this sender a member, and in which language are
they told that they are too fast. Two small indexed queries, asked only of busy senders (``bot.telegram.flood``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from bot.core.i18n import SUPPORTED
from bot.core.models import Person, RoleBinding, Subscription

log = logging.getLogger(__name__)


class Standing:
    def __init__(self, session: Callable[[], AbstractContextManager[Session]], admin_ids: frozenset[int],
                 default_locale: str = "id") -> None:
        self.session = session
        self.admin_ids = admin_ids
        self.default_locale = default_locale

    def __call__(self, user_id: int | None, chat_id: int | None) -> bool:
        """A member: ``user_id`` holds a role, or ``chat_id`` is a group bound to a region.

        When the database cannot say, the sender is given the benefit of the doubt."""
        if user_id is not None and user_id in self.admin_ids:
            return True
        try:
            with self.session() as session:
                if user_id is not None and session.exec(
                        select(RoleBinding.id).where(RoleBinding.user_id == user_id).limit(1)).first() is not None:
                    return True
                return chat_id is not None and chat_id < 0 and session.exec(
                    select(Subscription.id).where(Subscription.chat_id == chat_id, Subscription.active)
                    .limit(1)).first() is not None
        except SQLAlchemyError as exc:
            log.info("standing of %s in %s unknown (%s): treated as a member", user_id, chat_id, type(exc).__name__)
            return True

    def language(self, user_id: int | None) -> str:
        """The language a person reads: their /bahasa choice, else the configured one."""
        if user_id is None:
            return self.default_locale
        try:
            with self.session() as session:
                person = session.get(Person, user_id)
                chosen = person.language if person else None
        except SQLAlchemyError:
            return self.default_locale
        return chosen if chosen in SUPPORTED else self.default_locale
