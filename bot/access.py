"""Who may do what: decided here and nowhere else.

Until roles arrive, there are two kinds of people: admins (``PANTAU_ADMIN_IDS``), who may
do everything, and everyone else, who may read.
"""

from __future__ import annotations

from enum import StrEnum

from bot.settings import Settings


class Action(StrEnum):
    VIEW = "view"  # /status, /belum, browsing /checklist
    EDIT_CHECKLIST = "edit_checklist"  # /tandai, state buttons in /checklist
    MANAGE_EVENTS = "manage_events"  # /jadwal_tambah, /jadwal_ubah, /jadwal_batal
    SUBSCRIBE = "subscribe"  # /langganan
    RECORD_AKSI = "record_aksi"  # /aksi <wilayah> <periode> ...
    ANSWER_REMINDER = "answer_reminder"  # "Sudah dikerjakan" / "Ingatkan besok" on a reminder in one's chat


READ_ONLY = frozenset({Action.VIEW, Action.ANSWER_REMINDER})


def allowed(settings: Settings, user_id: int | None, action: Action) -> bool:
    if user_id is not None and user_id in settings.admin_ids:
        return True
    return action in READ_ONLY
