"""retention per tenant; room for sealed webhook secrets

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00.000000

A sealed secret (`vbenc1:<key id>:<Fernet token>`, about 180 characters) does not fit the
100 characters of `tenants.webhook_secret`, so it becomes TEXT. Sealing the existing plain
rows needs the key, which a migration must not depend on: the service seals them in the
background at start (`storage.sealing_sweep.reseal`), and reads plain rows meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite enforces no VARCHAR length (and a batch table copy would trip foreign keys)
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            "tenants",
            "webhook_secret",
            existing_type=sa.String(length=100),
            type_=sa.Text(),
            existing_nullable=False,
        )
    op.add_column("tenants", sa.Column("retention_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("retention_days")
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            "tenants",
            "webhook_secret",
            existing_type=sa.Text(),
            type_=sa.String(length=100),
            existing_nullable=False,
        )
