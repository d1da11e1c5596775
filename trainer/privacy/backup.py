"""Backups while the site is in use, and restoring them (``flask backup create|restore``).

SQLite (the embedded default): SQLite's online backup API copies the database in one
step, inside one read transaction: in WAL mode (trainer/database.py) readers never block
writers, so autosaves and logins go on while it copies, and the copy is the database as
it stood when the step began. (A backup in several steps would restart whenever another
connection writes, and never finish under a burst of autosaves.) The copy is switched to
a rollback journal so the backup is one self-contained file.

PostgreSQL: ``pg_dump --format=custom`` run on a snapshot exported by a REPEATABLE READ
transaction, in which the manifest's row counts are taken too: counts and dump are the
same instant. pg_dump must be at least the server's major version (it says so otherwise).

Beside ``FILE`` goes ``FILE.manifest.json``: the format, when, the dialect, the schema
revision, row counts per table, the size and SHA-256 of ``FILE``. A restore checks them
all before it touches anything, refuses a damaged or foreign file with a message, and
after restoring re-applies the erasure ledger (trainer/auth/erasure.py).
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import current_app

from trainer.extensions import db

FORMAT = "grid-trainer-backup"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why (nothing changed)."""


def manifest_path(path: str | os.PathLike) -> Path:
    return Path(f"{os.fspath(path)}.manifest.json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"  # as the factory's Migrate


def _script_directory() -> ScriptDirectory:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def code_revision() -> str:
    """The schema revision this code expects (the migrations' head)."""
    return ",".join(sorted(_script_directory().get_heads()))


def _modelled_tables() -> list[str]:
    return [t.name for t in db.metadata.sorted_tables]


def _counts(conn, names: list[str]) -> dict[str, int]:
    present = set(sa.inspect(conn).get_table_names())
    return {name: conn.execute(sa.text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
            for name in names if name in present}


def _revision(conn) -> str | None:
    try:
        found = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    except sa.exc.DBAPIError:
        return None
    return ",".join(sorted(found)) or None


def _dialect() -> str:
    return db.engine.dialect.name


# ------------------------------------------------------------------------------- create
def create(out: str | os.PathLike) -> dict:
    """Write a backup of the site's database to ``out`` and its manifest beside it;
    answers the manifest."""
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    tmp = Path(tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)[1])
    try:
        dialect = _dialect()
        if dialect == "sqlite":
            counts, revision = _create_sqlite(tmp)
        elif dialect == "postgresql":
            counts, revision = _create_postgresql(tmp)
        else:
            raise BackupError(f"backups are made for SQLite and PostgreSQL, not {dialect}")
        if revision is None:
            raise BackupError("the database has no schema revision: run `flask db upgrade` "
                              "first")
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "dialect": dialect,
            "created_at": started.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "schema_revision": revision, "row_counts": counts, "file": out.name,
            "size": tmp.stat().st_size, "sha256": _sha256(tmp),
        }
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    _write_json(manifest_path(out), manifest)
    return manifest


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _sqlite_path() -> str:
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return database


def _create_sqlite(tmp: Path) -> tuple[dict, str | None]:
    source = sqlite3.connect(_sqlite_path(), timeout=15)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)  # one step, one read transaction: see the module's doc
            target.execute("PRAGMA journal_mode = DELETE")
            target.commit()
        finally:
            target.close()
    finally:
        source.close()
    engine = sa.create_engine(f"sqlite:///{tmp}")
    try:
        with engine.connect() as conn:
            return _counts(conn, _modelled_tables()), _revision(conn)
    finally:
        engine.dispose()


def _libpq_url() -> tuple[str, dict]:
    """The database URL for pg_dump/pg_restore (no password: it goes in the environment,
    never on a command line others can read)."""
    url = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client tools of "
                          f"the server's major version (Debian: apt-get install "
                          f"postgresql-client)")
    return found


def _major(text: str) -> int | None:
    found = re.search(r"(\d+)(?:\.\d+)?", text)
    return int(found.group(1)) if found else None


def pg_tools_problem() -> str | None:
    """Why pg_dump/pg_restore cannot serve this server (missing, older major), or None."""
    try:
        tool = _pg_tool("pg_dump")
        _pg_tool("pg_restore")
    except BackupError as exc:
        return str(exc)
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False)
    client = _major(out.stdout.split(")", 1)[-1])  # "pg_dump (PostgreSQL) 15.20 (Debian…)"
    with db.engine.connect() as conn:
        server = _major(conn.execute(sa.text("SHOW server_version")).scalar_one())
    if client is None or server is None or client < server:
        return (f"pg_dump is version {client} but the server is {server}: install the "
                f"client tools of version {server} or later")
    return None


def _create_postgresql(tmp: Path) -> tuple[dict, str | None]:
    problem = pg_tools_problem()
    if problem:
        raise BackupError(problem)
    url, env = _libpq_url()
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            counts, revision = _counts(conn, _modelled_tables()), _revision(conn)
            done = subprocess.run(
                [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                 f"--snapshot={snapshot}", f"--file={tmp}", f"--dbname={url}"],
                capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return counts, revision


# ------------------------------------------------------------------------------ restore
@dataclass
class Restored:
    manifest: dict
    reapplied: object  # trainer.auth.erasure.Reapplied
    upgraded: bool = False


def read_manifest(path: Path) -> dict:
    """The checked manifest of the backup ``path`` (BackupError: missing, damaged, foreign,
    or the file does not match it)."""
    mpath = manifest_path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    if not mpath.is_file():
        raise BackupError(f"{path}: its manifest {mpath.name} is missing, so the file cannot "
                          f"be checked; nothing was restored")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{mpath.name} is damaged ({exc}); nothing was restored") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{mpath.name} is not a Grid Trainer backup manifest; nothing was "
                          f"restored")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"backup format {manifest.get('format_version')} is not known to "
                          f"this version (it reads {FORMAT_VERSION}); nothing was restored")
    size = path.stat().st_size
    if size != manifest.get("size") or _sha256(path) != manifest.get("sha256"):
        raise BackupError(f"{path.name} is damaged or incomplete: its size or checksum does "
                          f"not match the manifest ({size} bytes, expected "
                          f"{manifest.get('size')}); nothing was restored")
    return manifest


def _check_revision(manifest: dict) -> bool:
    """True when the backup's schema is older than the code's (to upgrade after restoring);
    BackupError when it is unknown here."""
    revision, head = manifest.get("schema_revision"), code_revision()
    if revision == head:
        return False
    scripts = _script_directory()
    known = {rev.revision for rev in scripts.walk_revisions()}
    if not revision or any(part not in known for part in revision.split(",")):
        raise BackupError(f"the backup's schema revision {revision} is unknown to this "
                          f"version of the site (it is at {head}): restore it with the "
                          f"version that made it; nothing was restored")
    return True


def database_is_empty() -> bool:
    """No accounts (a new or freshly migrated database counts as empty)."""
    with db.engine.connect() as conn:
        if "users" not in sa.inspect(conn).get_table_names():
            return True
        return conn.execute(sa.text("SELECT COUNT(*) FROM users")).scalar_one() == 0


def restore(path: str | os.PathLike, *, force: bool = False) -> Restored:
    """Replace the site's database by the backup ``path``, then re-apply the erasure
    ledger. Every check comes first: on a refusal nothing has changed."""
    from trainer.auth import erasure

    path = Path(path).resolve()
    manifest = read_manifest(path)
    dialect = _dialect()
    if manifest.get("dialect") == "sqlite" and dialect == "postgresql":
        return _move_to_postgresql(path, manifest, force=force)
    if manifest.get("dialect") != dialect:
        raise BackupError(f"this is a {manifest.get('dialect')} backup and the site's database "
                          f"is {dialect}; nothing was restored")
    upgrade = _check_revision(manifest)
    if dialect == "sqlite":
        _check_sqlite_file(path, manifest)
    else:
        _check_postgresql_file(path)
    if not force and not database_is_empty():
        raise BackupError("the database is not empty (it has accounts): add --force to "
                          "replace it; nothing was restored")
    db.session.remove()
    db.engine.dispose()
    if dialect == "sqlite":
        _restore_sqlite(path)
    else:
        _restore_postgresql(path)
    db.engine.dispose()
    if upgrade:
        from flask_migrate import upgrade as migrate_upgrade

        migrate_upgrade(directory=str(MIGRATIONS))
        db.engine.dispose()
    reapplied = erasure.reapply_ledger()
    db.session.commit()
    return Restored(manifest=manifest, reapplied=reapplied, upgraded=upgrade)


def _check_sqlite_file(path: Path, manifest: dict) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
            found = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path.name} is not a readable SQLite database ({exc}); nothing "
                          f"was restored") from None
    if verdict != "ok":
        raise BackupError(f"{path.name} fails SQLite's check ({verdict}); nothing was restored")
    if ",".join(sorted(r[0] for r in found)) != manifest.get("schema_revision"):
        raise BackupError(f"{path.name} does not hold the schema revision its manifest names; "
                          f"nothing was restored")


def _restore_sqlite(path: Path) -> None:
    """Copy the backup over the live database with the backup API: the target is replaced
    page by page inside one write transaction, so a failure leaves it as it was."""
    target_path = _sqlite_path()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(target_path, timeout=15)
        try:
            target.execute("PRAGMA journal_mode = WAL")
            source.backup(target)
            target.execute("PRAGMA journal_mode = WAL")
            target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            target.close()
    finally:
        source.close()


def _check_postgresql_file(path: Path) -> None:
    problem = pg_tools_problem()
    if problem:
        raise BackupError(f"{problem}; nothing was restored")
    done = subprocess.run([_pg_tool("pg_restore"), "--list", str(path)], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{path.name} is not a readable pg_dump archive "
                          f"({done.stderr.strip()}); nothing was restored")


def _restore_postgresql(path: Path) -> None:
    url, env = _libpq_url()
    done = subprocess.run(
        [_pg_tool("pg_restore"), "--clean", "--if-exists", "--single-transaction",
         "--exit-on-error", "--no-owner", "--no-privileges", f"--dbname={url}", str(path)],
        capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed and rolled back, nothing changed: "
                          f"{done.stderr.strip()}")


def _move_to_postgresql(path: Path, manifest: dict, *, force: bool) -> Restored:
    """A SQLite backup restored into PostgreSQL (the move to a server database): the
    schema comes from ``flask db upgrade`` at the backup's revision, then every modelled
    table's rows are copied in one transaction (all or nothing) and the id sequences set
    past the copied ids."""
    from trainer.auth import erasure

    if _check_revision(manifest):
        raise BackupError("a SQLite backup moves to PostgreSQL only at this version's schema "
                          "revision: restore it on SQLite, `flask db upgrade`, back up again; "
                          "nothing was restored")
    _check_sqlite_file(path, manifest)
    with db.engine.connect() as conn:
        if _revision(conn) != manifest["schema_revision"]:
            raise BackupError("run `flask db upgrade` on the PostgreSQL database first (its "
                              "schema must be at the backup's revision); nothing was restored")
    if not force and not database_is_empty():
        raise BackupError("the database is not empty (it has accounts): add --force to "
                          "replace it; nothing was restored")
    db.session.remove()
    source = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    tables = db.metadata.sorted_tables
    try:
        with source.connect() as src, db.engine.begin() as dst:
            for table in reversed(tables):
                dst.execute(table.delete())
            for table in tables:
                order = list(table.primary_key.columns) or list(table.columns)[:1]
                result = src.execute(sa.select(table).order_by(*order))
                while batch := result.mappings().fetchmany(1000):
                    dst.execute(table.insert(), [dict(row) for row in batch])
            for table in tables:  # ids go on after the copied ones
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and _has_sequence(dst, table.name, pk[0].name):
                    col = pk[0].name
                    dst.execute(sa.text(
                        f'SELECT setval(pg_get_serial_sequence(:t, :c), '
                        f'COALESCE(MAX("{col}"), 1), MAX("{col}") IS NOT NULL) '
                        f'FROM "{table.name}"'), {"t": f'"{table.name}"', "c": col})
    except sa.exc.DBAPIError as exc:
        raise BackupError(f"copying into PostgreSQL failed and was rolled back, nothing "
                          f"changed: {exc.orig}") from None
    finally:
        source.dispose()
    reapplied = erasure.reapply_ledger()
    db.session.commit()
    return Restored(manifest=manifest, reapplied=reapplied, upgraded=False)


def _has_sequence(conn, table: str, column: str) -> bool:
    return conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                        {"t": f'"{table}"', "c": column}).scalar() is not None


# ------------------------------------------------------------------------------- daily
def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def daily(folder: str | None = None, keep: int | None = None) -> tuple[Path, list[Path]]:
    """The periodic backup: ``BACKUP_DIR/trainer-<UTC time>.backup`` (and its manifest),
    then only the newest ``BACKUP_KEEP`` backups are kept. Answers the new file and the
    removed ones."""
    folder = Path(folder or current_app.config.get("BACKUP_DIR")
                  or os.path.join(current_app.instance_path, "backups"))
    keep = keep if keep is not None else int(current_app.config.get("BACKUP_KEEP", 7))
    if keep < 1:
        raise BackupError("BACKUP_KEEP must be at least 1")
    out = folder / f"trainer-{_stamp()}.backup"
    create(out)
    made = sorted(p for p in folder.glob("trainer-*.backup") if manifest_path(p).exists())
    removed = made[:-keep]
    for old in removed:
        old.unlink(missing_ok=True)
        manifest_path(old).unlink(missing_ok=True)
    return out, removed
