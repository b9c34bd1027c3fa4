"""Alembic environment: uses the engine handed over by :func:`bot.core.db.upgrade`."""

from alembic import context
from sqlmodel import SQLModel

import bot.core.models  # noqa: F401  (registers the tables)
from bot.core.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("Alembic needs an engine (bot.core.db.upgrade) or sqlalchemy.url")
        engine = make_engine(url)
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        context.run_migrations()


run_migrations_online()
