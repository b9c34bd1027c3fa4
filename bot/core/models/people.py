"""The people and chats the bot knows: roles, invites, and where a conversation with someone stands."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.core.models.columns import utc_column


class Role(StrEnum):
    ADMIN = "admin"  # everything, everywhere
    STAF = "staf"  # Bidang HAM staff of one province
    PIC = "pic"  # focal point of one kab/kota
    PEMANTAU = "pemantau"  # read-only


class Person(SQLModel, table=True):
    """Someone the bot has met on Telegram."""

    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    first_name: str = Field(default="", max_length=200)
    username: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(sa_column=utc_column())
    last_seen: datetime = Field(sa_column=utc_column())
    language: str | None = Field(default=None, max_length=5)  # chosen with /bahasa; None: from Telegram
    telegram_language: str | None = Field(default=None, max_length=10)  # the app's language_code, last seen
    language_hint_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))  # told of /bahasa en


class RoleBinding(SQLModel, table=True):
    """A person's role, for one province (staf) or kab/kota (pic, pemantau); admins have no target."""

    __tablename__ = "role_binding"
    __table_args__ = (UniqueConstraint("user_id", "role", "target_code"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    role: str = Field(max_length=10)
    target_code: str = Field(default="", max_length=5)  # "" for admin
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(sa_column=utc_column())


class Invite(SQLModel, table=True):
    """A single-use deep link that binds whoever opens it to a role and a region."""

    token: str = Field(primary_key=True, max_length=40)
    role: str = Field(max_length=10)
    target_code: str = Field(max_length=5)
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    used_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    used_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class Chat(SQLModel, table=True):
    """A chat the bot is in (groups by their title), for reports with names."""

    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    kind: str = Field(max_length=20)  # private, group, supergroup, channel
    title: str = Field(default="", max_length=300)
    member: bool = True  # False once the bot was removed or blocked
    updated_at: datetime = Field(sa_column=utc_column())


class ConversationState(SQLModel, table=True):
    """Where one person's multi-step conversation in one chat stands (guided /jadwal_tambah, a pending
    data-dukung note). Kept in the database, not in memory, so a restart or another copy of the bot behind a
    webhook continues it; it expires when left alone."""

    __tablename__ = "conversation_state"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    kind: str = Field(max_length=30)
    step: str = Field(max_length=30)
    data: str = Field(default="{}", max_length=4000)  # JSON
    expires_at: datetime = Field(sa_column=utc_column())
