"""inbound routes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 19:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbound_routes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("match", sa.JSON(), nullable=False),
        sa.Column("exact_to", sa.String(length=200), nullable=True),
        sa.Column("script_name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("variable_headers", sa.JSON(), nullable=False),
        sa.Column("webhook", sa.JSON(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("inbound_routes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inbound_routes_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inbound_routes_exact_to"), ["exact_to"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inbound_routes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_routes_exact_to"))
        batch_op.drop_index(batch_op.f("ix_inbound_routes_tenant_id"))
    op.drop_table("inbound_routes")
