"""Shared fixtures: a migrated database, a fixed clock, and the bot wired to an offline Bot API."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.core.clock import FixedClock
from bot.core.db import normalise_url
from bot.core.settings import Settings
from bot.domain.catalog import import_sample
from bot.domain.runtime import Runtime
from bot.ops.app import build_application
from tests.fakes import ApiCall, FakeTime, OfflineBotAPI, UpdateFactory, buttons_of, fake_rate_limiter

ADMIN = 111
VIEWER = 222  # pemantau of Kab. Tapin
STAF = 333  # staf of Kalimantan Selatan
PIC = 444  # focal point of Kab. Tapin
NOW = datetime(2024, 1, 25, 2, 0, tzinfo=UTC)  # Thursday 25 January 2024, 10:00 WITA


# the files whose tests take half a minute to a minute and a half each, mostly waiting on the bot as a process
LONGEST = {"test_fault_drills", "test_container", "test_outage", "test_replicas", "test_one_poller"}


def _turn(item: pytest.Item) -> int:
    if item.get_closest_marker("slow") is None:
        return 2
    return 0 if item.path.stem in LONGEST else 1


def pytest_collection_modifyitems(config, items) -> None:
    """The longest tests first, then the other slow ones, then the rest (a stable sort: otherwise in collection
    order). In a parallel run (``-n 4``) the drills start at once and the fast tests fill the cores around them,
    instead of a drill starting last and keeping one worker busy after the others are done."""
    items.sort(key=_turn)


def make_settings(database_url: str, **overrides) -> Settings:
    values = dict(database_url=database_url, admin_ids=frozenset({ADMIN}), locale="id", cycle="2024/2025",
                  telegram_bot_token=None)
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'pantau.db'}"


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """One migrated database with the reference data, copied for each test (migrations run once)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    rt = Runtime.start(make_settings(f"sqlite:///{path}"), FixedClock(NOW))
    with rt.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    rt.engine.dispose()
    return path


@pytest.fixture(scope="session")
def catalog_sqlite(migrated_sqlite, tmp_path_factory) -> Path:
    """The migrated database with the sample catalog as ``catalog`` loads it, copied for each test that uses it."""
    path = tmp_path_factory.mktemp("catalog") / "catalog.db"
    shutil.copyfile(migrated_sqlite, path)
    rt = Runtime.start(make_settings(f"sqlite:///{path}"), FixedClock(NOW))
    with rt.session() as session:
        import_sample(session, rt.clock)
    with rt.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    rt.engine.dispose()
    return path


_WITH_CATALOG: set[int] = set()  # id() of the runtimes started from catalog_sqlite


@pytest.fixture
def runtime(request, sqlite_url, clock, migrated_sqlite) -> Iterator[Runtime]:
    with_catalog = "catalog" in request.fixturenames and clock.now() == NOW
    template = request.getfixturevalue("catalog_sqlite") if with_catalog else migrated_sqlite
    shutil.copyfile(template, sqlite_url.removeprefix("sqlite:///"))
    rt = Runtime.start(make_settings(sqlite_url), clock)
    if with_catalog:
        _WITH_CATALOG.add(id(rt))
    yield rt
    _WITH_CATALOG.discard(id(rt))
    rt.engine.dispose()


@pytest.fixture
def catalog(runtime) -> Runtime:
    """The runtime with the sample catalog loaded (copied from ``catalog_sqlite`` when the test asked for it)."""
    if id(runtime) not in _WITH_CATALOG:
        with runtime.session() as session:
            import_sample(session, runtime.clock)
    return runtime


@pytest.fixture(scope="session")
def pg_base() -> Iterator[str | None]:
    """A PostgreSQL database of this xdist worker (and run) alone, on the server of TEST_DATABASE_URL.

    Workers share nothing: not the schemas of :func:`pg_url`, nor the database-wide advisory lock that copies
    starting together migrate under (``bot.core.db.MIGRATION_LOCK``), nor another run's databases."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield None
        return
    url = make_url(base)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"{url.database or 'test'}_{worker}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url(pg_base) -> Iterator[str]:
    """A PostgreSQL database in a schema of its own (needs TEST_DATABASE_URL), in this worker's database."""
    if not pg_base:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests run in CI")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(pg_base))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_base else "?"
    yield f"{pg_base}{sep}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


class BotHarness:
    """The real Application, fed typed lines and button presses, answering into an OfflineBotAPI."""

    def __init__(self, runtime: Runtime, api: OfflineBotAPI | None = None) -> None:
        self.runtime = runtime
        self.time = FakeTime()
        self.api = api or OfflineBotAPI(clock=self.time.now)
        self.limiter = fake_rate_limiter(self.time)
        self.app = build_application(runtime, request=self.api, token="123:offline", rate_limiter=self.limiter)
        self.factory = UpdateFactory(self.app.bot, self.api)

    async def say(self, text: str, user_id: int = ADMIN, chat_id: int | None = None) -> list[ApiCall]:
        before = len(self.api.calls)
        await self.app.process_update(self.factory.message(text, user_id, chat_id))
        return self.api.calls[before:]

    async def press(self, call: ApiCall, label_or_data: str, user_id: int = ADMIN) -> list[ApiCall]:
        data = next((d for lbl, d in buttons_of(call) if label_or_data in (lbl, d)), None)
        assert data is not None, f"no button {label_or_data!r} in {buttons_of(call)}"
        before = len(self.api.calls)
        await self.app.process_update(self.factory.press(call, data, user_id))
        return self.api.calls[before:]


# how every refusal of ``handlers.common.require`` (``bot.render.refusal``) reads, and the per-case refusals of
# Aksi HAM and imports (``tidak berwenang``): a test that only needs "refused" asks :func:`refused`
REFUSALS = ("Anda belum terdaftar.", "bukan wilayah Anda", "; Anda staf Kanwil", "dan admin yang dapat",
            "Acara nasional hanya dapat dibuat oleh admin.", "Rekap nasional hanya dapat dilihat",
            "Peran Anda tidak mencakup", "tidak berwenang")


def refused(text: str) -> bool:
    """Whether ``text`` is a refusal (see ``REFUSALS``)."""
    return any(words in text for words in REFUSALS)


def replies(calls: list[ApiCall]) -> list[ApiCall]:
    return [c for c in calls if c.method in ("sendMessage", "editMessageText")]


def grant(rt: Runtime, user_id: int, role: str, code: str) -> None:
    from bot.core.models import RoleBinding

    with rt.session() as session:
        session.add(RoleBinding(user_id=user_id, role=role, target_code=code, created_at=rt.clock.now()))


@pytest.fixture
async def bot(catalog) -> Iterator[BotHarness]:
    grant(catalog, VIEWER, "pemantau", "63.05")
    grant(catalog, STAF, "staf", "63")
    grant(catalog, PIC, "pic", "63.05")
    harness = BotHarness(catalog)
    harness.api.register_chat(ADMIN)  # the admin has written to the bot before
    await harness.app.initialize()
    await harness.app.post_init(harness.app)  # what run_polling/run_webhook do after initialize
    yield harness
    await harness.app.shutdown()
