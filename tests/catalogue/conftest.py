"""The catalogue's stores under test: a SQLite file and a throwaway PostgreSQL cluster.

`store_url` is parametrised over both, so every test that takes it runs against each
backend the design promises. The PostgreSQL cluster is started once per session with
Debian's server binaries (initdb + pg_ctl) in a temporary folder, listening only on a
unix socket there; each test gets a fresh database in it. Without the binaries (or
psycopg) the PostgreSQL cases skip and say why; `scripts/install.sh --test` installs
both.
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_USER = "thuvien"
SHARED = "thuvien_shared"  # the migrated database most tests reuse, emptied for each
SERVER_SETTINGS = (
    "listen_addresses=''",  # the unix socket in the cluster's folder only
    "fsync=off",  # a throwaway cluster: durability buys nothing here
    "synchronous_commit=off",
    "full_page_writes=off",
    "max_connections=200",
)


def postgres_bin_dir() -> Path | None:
    """Where initdb and pg_ctl live: $THUVIEN_PG_BIN, the PATH, or Debian's newest version."""
    candidates = []
    if os.environ.get("THUVIEN_PG_BIN"):
        candidates.append(Path(os.environ["THUVIEN_PG_BIN"]))
    if found := shutil.which("pg_ctl"):
        candidates.append(Path(found).resolve().parent)

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path.parent.name))

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    return next(
        (d for d in candidates if (d / "initdb").is_file() and (d / "pg_ctl").is_file()), None
    )


@dataclass
class PostgresCluster:
    """A running throwaway cluster: databases are made and dropped on demand."""

    root: Path
    bin_dir: Path
    run_as: list[str]
    _migrated: bool = False
    _numbers = itertools.count(1)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{PG_USER}@/{database}?host={self.root}"

    def execute(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(
            host=str(self.root), user=PG_USER, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(statement)

    def create_database(self) -> str:
        """A new, empty database (no tables at all)."""
        name = f"thuvien_test_{next(self._numbers)}"
        self.execute(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
        return name

    def clean_database(self) -> str:
        """The session's database at the newest schema, emptied of every row.

        Migrated once; emptying it (TRUNCATE) is ten times quicker than creating a
        database per test. Connections a test left open are ended first, so none can
        hold a lock the TRUNCATE would wait on.
        """
        if not self._migrated:
            from catalogue.store import Store

            self.execute(f"CREATE DATABASE {SHARED} ENCODING 'UTF8' TEMPLATE template0")
            Store(self.url(SHARED)).close()  # runs the migrations
            self._migrated = True
        import psycopg

        with psycopg.connect(
            host=str(self.root), user=PG_USER, dbname=SHARED, autocommit=True
        ) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT quote_ident(tablename) FROM pg_tables "
                    "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                )
            ]
            conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        return SHARED

    def drop_database(self, name: str) -> None:
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.run_as, str(self.bin_dir / "pg_ctl"), "-D", str(self.data), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )


def _start_cluster() -> PostgresCluster:
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's "
            "`postgresql` package (scripts/install.sh --test does) or set THUVIEN_PG_BIN"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("the psycopg driver is not installed: pip install 'psycopg[binary]'")
    root = Path(tempfile.mkdtemp(prefix="thuvien-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        # initdb refuses to run as root: the cluster belongs to the `postgres` user
        # Debian's package creates, in a folder that user owns.
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(root)
            pytest.skip("running as root and there is no `postgres` user to own the cluster")
        os.chown(root, owner.pw_uid, owner.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    cluster = PostgresCluster(root, bin_dir, run_as)
    try:
        subprocess.run(
            [*run_as, str(bin_dir / "initdb"), "-D", str(cluster.data), "-U", PG_USER,
             "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        options = " ".join([f"-k {root}", *(f"-c {s}" for s in SERVER_SETTINGS)])
        cluster.pg_ctl("start", "-w", "-t", "60", "-l", str(root / "server.log"), "-o", options)
    except subprocess.CalledProcessError as exc:
        log = root / "server.log"
        detail = (exc.stderr or b"").decode(errors="replace")
        detail += log.read_text(errors="replace") if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"could not start a throwaway PostgreSQL cluster: {exc}\n{detail}")
    return cluster


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    cluster = _start_cluster()
    try:
        yield cluster
    finally:
        try:
            cluster.pg_ctl("stop", "-m", "immediate", "-w")
        finally:
            shutil.rmtree(cluster.root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """A database at the newest schema holding no rows, in the session's cluster."""
    return postgres_cluster.url(postgres_cluster.clean_database())


@pytest.fixture
def empty_postgres_url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """A fresh database without a single table (for the migrations themselves)."""
    name = postgres_cluster.create_database()
    yield postgres_cluster.url(name)
    postgres_cluster.drop_database(name)


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database without data on each backend: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cat.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(params=BACKENDS)
def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database without any table on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite'}"
    return request.getfixturevalue("empty_postgres_url")
