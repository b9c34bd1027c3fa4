"""``/saya``: who the bot takes a person to be (id, name, roles, regions, reminders, language)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from bot.core.i18n import SUPPORTED
from bot.core.models import Person, Role, RoleBinding
from bot.domain.subscriptions import of_chat


@dataclass(frozen=True)
class Profile:
    user_id: int
    first_name: str
    username: str | None
    roles: tuple[tuple[str, str], ...]  # (role, kab/kota or province code; "" for an admin), in role order
    configured_admin: bool  # listed in PANTAU_ADMIN_IDS
    reminders: tuple[str, ...]  # what this person's private chat receives reminders of
    language: str | None  # chosen with /bahasa; None: Indonesian, the default
    anyone_admin: bool  # somebody is an admin already (else: how to make the first one)

    @property
    def has_role(self) -> bool:
        return self.configured_admin or bool(self.roles)


ROLE_ORDER = {Role.ADMIN.value: 0, Role.STAF.value: 1, Role.PIC.value: 2, Role.PEMANTAU.value: 3}


def profile(session: Session, admin_ids: frozenset[int], user_id: int, first_name: str,
            username: str | None) -> Profile:
    """Names as Telegram sends them now (the update), the rest from the database."""
    bindings = session.exec(select(RoleBinding).where(RoleBinding.user_id == user_id)).all()
    roles = sorted({(b.role, b.target_code or "") for b in bindings}, key=lambda r: (ROLE_ORDER.get(r[0], 9), r[1]))
    person = session.get(Person, user_id)
    anyone_admin = bool(admin_ids) or session.exec(
        select(RoleBinding.id).where(RoleBinding.role == Role.ADMIN.value).limit(1)).first() is not None
    return Profile(
        user_id=user_id, first_name=first_name, username=username, roles=tuple(roles),
        configured_admin=user_id in admin_ids,
        reminders=tuple(s.target_code for s in of_chat(session, user_id)),
        language=person.language if person and person.language in SUPPORTED else None,
        anyone_admin=anyone_admin,
    )
