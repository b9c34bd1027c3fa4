"""The SQLModel tables, one module for each thing they hold. Every datetime is stored in UTC
(:class:`~bot.core.models.columns.UTCDateTime`).

Importing this package registers every table with ``SQLModel.metadata`` (Alembic's ``migrations/env.py``
compares it with the migrations); every name is importable from here.
"""

from bot.core.models.aksi import AksiAction, AksiActionReport, AksiReport, AksiStatus
from bot.core.models.audit import AuditEntry
from bot.core.models.calendar import Event, EventKind, EventStatus, ScopeKind, Subscription
from bot.core.models.checklist import (
    Catalog,
    ChecklistEntry,
    Criterion,
    Cycle,
    Indicator,
    IndicatorKind,
    IndicatorState,
)
from bot.core.models.columns import TELEGRAM_ID, UTCDateTime, utc_column
from bot.core.models.delivery import Broadcast, Delivery, DeliveryStatus, Outbox, Reminder, ReminderStatus
from bot.core.models.evidence import EvidenceFile
from bot.core.models.people import Chat, ConversationState, Invite, Person, Role, RoleBinding
from bot.core.models.regions import Province, Region
from bot.core.models.review import ReviewNotice
from bot.core.models.workers import PollingLease, Worker

__all__ = [
    "TELEGRAM_ID", "AksiAction", "AksiActionReport", "AksiReport", "AksiStatus", "AuditEntry", "Broadcast", "Catalog",
    "Chat", "ChecklistEntry", "ConversationState", "Criterion", "Cycle", "Delivery", "DeliveryStatus", "Event",
    "EventKind", "EventStatus", "EvidenceFile", "Indicator", "IndicatorKind", "IndicatorState", "Invite", "Outbox",
    "Person", "PollingLease", "Province", "Region", "Reminder", "ReminderStatus", "ReviewNotice", "Role",
    "RoleBinding", "ScopeKind", "Subscription", "UTCDateTime", "Worker", "utc_column",
]
