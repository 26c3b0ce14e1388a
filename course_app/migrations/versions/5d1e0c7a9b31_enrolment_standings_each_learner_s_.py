"""enrolment standings: each learner's standing stored, for staff lists in SQL

Revision ID: 5d1e0c7a9b31
Revises: 3b7e0a9c4d21
Create Date: 2026-12-01 03:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

import course_app.db

revision = "5d1e0c7a9b31"
down_revision = "3b7e0a9c4d21"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enrolment_standings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("lessons_done", sa.Integer(), nullable=False),
        sa.Column("quizzes_passed", sa.Integer(), nullable=False),
        sa.Column("final_passed", sa.Boolean(), nullable=False),
        sa.Column("minutes_done", sa.Integer(), nullable=False),
        sa.Column("practical_required", sa.Boolean(), nullable=False),
        sa.Column("practical_done", sa.Boolean(), nullable=False),
        sa.Column("practical_hours", sa.Float(), nullable=False),
        sa.Column("licence_verified", sa.Boolean(), nullable=False),
        sa.Column("evaluation_done", sa.Boolean(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("updated_at", course_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_enrolment_standings_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_enrolment_standings_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "course_id", name=op.f("pk_enrolment_standings")),
    )
    with op.batch_alter_table("enrolment_standings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_enrolment_standings_course_eligible", ["course_id", "eligible"], unique=False
        )
        batch_op.create_index(
            "ix_enrolment_standings_course_percent", ["course_id", "percent"], unique=False
        )
    # Existing learners get their rows from the rule: `flask recompute-standings` (the rule
    # needs the loaded curriculum and the app, which a migration does not have).


def downgrade() -> None:
    with op.batch_alter_table("enrolment_standings", schema=None) as batch_op:
        batch_op.drop_index("ix_enrolment_standings_course_percent")
        batch_op.drop_index("ix_enrolment_standings_course_eligible")
    op.drop_table("enrolment_standings")
