"""What every handler and command needs: settings, database, clock and language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session

from bot.core.clock import Clock, SystemClock
from bot.core.db import Upgrade, check_connection, make_engine, session_scope, startup_lock, upgrade
from bot.core.i18n import Translator, current_locale, translator
from bot.core.models import Cycle
from bot.core.settings import Settings
from bot.domain.checklist import Thresholds
from bot.domain.cycles import current_cycle
from bot.domain.last_seen import SeenLater
from bot.domain.people import bootstrap_admins
from bot.domain.seed import sync_reference


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    clock: Clock = field(default_factory=SystemClock)
    schema: Upgrade | None = None  # what Runtime.start did to the schema (``pantau-ham db upgrade`` says it)
    seen_later: SeenLater = field(default_factory=SeenLater)  # last_seen refreshes the tick writes

    @classmethod
    def start(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        """Open the database, apply migrations and load the reference data. An unusable database raises
        :class:`bot.core.db.DatabaseUnavailable` before anything else happens."""
        engine = make_engine(settings.database_url)
        check_connection(engine)
        with startup_lock(engine):  # copies starting together take turns
            schema = upgrade(engine, lock=False)
            runtime = cls(settings, engine, clock or SystemClock(), schema)
            with runtime.session() as session:
                sync_reference(session)
                bootstrap_admins(session, runtime.clock, settings.admin_ids)
        return runtime

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.engine) as session:
            yield session

    @property
    def thresholds(self) -> Thresholds:
        s = self.settings
        return Thresholds(s.threshold_peduli, s.threshold_cukup, s.threshold_mulai, s.province_threshold,
                          s.predikat_includes_handed_in)

    @property
    def t(self) -> Translator:
        """The language of the person being answered (``bot.i18n.use_locale``), else ``PANTAU_LOCALE``."""
        return translator(current_locale() or self.settings.locale)

    def cycle(self, session: Session) -> Cycle:
        return current_cycle(session, self.clock, self.settings.cycle)
