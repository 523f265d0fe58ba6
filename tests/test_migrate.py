"""The head revision comes from Alembic's ScriptDirectory: merge revisions and annotated templates too."""
from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import create_engine

from server import migrate

# Alembic's own template writes annotated assignments; a merge revision names two parents.
BRANCH = '''\
"""{doc}"""
from typing import Sequence, Union

revision: str = "{rev}"
down_revision: Union[str, Sequence[str], None] = {down!r}
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
'''


def _copy_with_branches(tmp_path: Path, *, merged: bool) -> Path:
    location = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, location, ignore=shutil.ignore_patterns("__pycache__"))
    (head,) = migrate.heads()
    versions = location / "versions"
    for rev in ("b1", "b2"):
        (versions / f"{rev}.py").write_text(BRANCH.format(doc=f"branch {rev}", rev=rev, down=head))
    if merged:
        (versions / "m1.py").write_text(BRANCH.format(doc="merge b1 and b2", rev="m1", down=("b1", "b2")))
    return location


def test_the_shipped_migrations_have_one_head():
    (head,) = migrate.heads()
    assert list((migrate.MIGRATIONS / "versions").glob(f"{head}_*.py")), head


def test_a_merge_revision_is_the_head(tmp_path):
    assert migrate.heads(_copy_with_branches(tmp_path, merged=True)) == ("m1",)


def test_two_branches_are_two_heads_and_both_are_upgraded_to(tmp_path):
    location = _copy_with_branches(tmp_path, merged=False)
    assert migrate.heads(location) == ("b1", "b2")
    engine = create_engine(f"sqlite:///{tmp_path / 'hall.db'}")
    assert migrate._alembic_upgrade(engine, location) == ("b1", "b2")
    assert migrate.current(engine) == ("b1", "b2")


def test_a_merged_history_upgrades_to_the_merge(tmp_path):
    location = _copy_with_branches(tmp_path, merged=True)
    engine = create_engine(f"sqlite:///{tmp_path / 'hall.db'}")
    assert migrate._alembic_upgrade(engine, location) == ("m1",)
    assert migrate.current(engine) == ("m1",)


def test_the_child_process_upgrades_a_new_database_to_the_head(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'hall.db'}")
    assert migrate.current(engine) == ()
    migrate.upgrade(engine, isolated=True)
    assert migrate.current(engine) == migrate.heads()
    migrate.upgrade(engine, isolated=True)  # at the head: nothing to do
    assert migrate.current(engine) == migrate.heads()


def test_the_heads_read_without_alembic_are_alembics(tmp_path):
    """What lets a command on a database at the head skip the migration child: the same answer."""
    from server.migrate import MIGRATIONS, declared_heads, heads

    assert declared_heads() == heads() != ()
    # A version file it cannot read plainly: no answer, and Alembic decides.
    (tmp_path / "versions").mkdir()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        (tmp_path / "versions" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert declared_heads(tmp_path) == heads()
    (tmp_path / "versions" / "0099_odd.py").write_text("revision = make_one()\ndown_revision = '0007'\n",
                                                      encoding="utf-8")
    assert declared_heads(tmp_path) is None

