"""Alembic environment: the store hands over its connection; from the command line the URL comes from the settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from assistant.store.database import database_url
from assistant.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is not None:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(database_url())
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
