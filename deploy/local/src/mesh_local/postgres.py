"""A PostgreSQL server from Debian's packages, one database and one role per service."""

import asyncio
import glob
import os
import shutil
import subprocess
from pathlib import Path

import asyncpg

from mesh_local import processes
from mesh_local.config import SERVICES, LocalConfig


class PostgresError(RuntimeError):
    pass


def bin_dir() -> Path:
    """The server binaries: pg_config's bindir, else the newest /usr/lib/postgresql/*/bin."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresError("PostgreSQL server binaries not found: apt-get install postgresql")


class LocalPostgres:
    def __init__(self, config: LocalConfig) -> None:
        self.config = config
        self.dir = config.state_dir / "postgres"
        self.data = self.dir / "data"
        self.socket_dir = self.dir / "socket"
        self.log_file = self.dir / "postgres.log"

    @property
    def pid_file(self) -> Path:
        return self.data / "postmaster.pid"

    def _as_owner(self, argv: list[str]) -> list[str]:
        # PostgreSQL refuses to run as root: run it as the 'postgres' account the package made.
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *argv]
        return argv

    def _run(self, argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(self._as_owner(argv), capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
        if result.returncode != 0:
            raise PostgresError(f"{' '.join(argv[:2])} failed: {result.stdout}{result.stderr}")
        return result

    def _init(self) -> None:
        if (self.data / "PG_VERSION").exists():
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
            reachable = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-w", str(self.dir)], check=False)
            if reachable.returncode != 0:
                raise PostgresError(
                    f"the 'postgres' account cannot reach {self.dir}: make its parent folders traversable "
                    "(chmod o+x) or set MESH_LOCAL_STATE_DIR to a folder it can reach, e.g. /var/tmp/mentoring-mesh"
                )
        self._run(
            [
                str(bin_dir() / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )

    def _settings(self) -> list[str]:
        settings = [
            f"port={self.config.postgres_port}",
            f"listen_addresses={self.config.host}",
            f"unix_socket_directories={self.socket_dir}",
            "max_connections=200",
        ]
        if not self.config.durable:
            settings += ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
        return settings

    def start(self) -> bool:
        if self.running_pid():
            return False
        processes.require_free_ports("PostgreSQL", self.config.host, self.config.postgres_port)
        self._init()
        options = " ".join(f"-c {setting}" for setting in self._settings())
        if os.geteuid() == 0:
            self.log_file.touch()
            shutil.chown(self.log_file, "postgres", "postgres")
        self._run(
            [str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-l", str(self.log_file), "-o", options, "-w", "-t", "60", "start"]
        )
        self._provision()
        return True

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run(
            [
                str(bin_dir() / "psql"),
                "-h",
                str(self.socket_dir),
                "-p",
                str(self.config.postgres_port),
                "-U",
                "postgres",
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-tA",
                "-c",
                sql,
            ]
        ).stdout

    def _provision(self) -> None:
        # Only the admin role needs the local socket; the rest works against any PostgreSQL.
        exists = self.psql("SELECT 1 FROM pg_roles WHERE rolname = 'mesh_admin'").strip()
        verb = "ALTER" if exists else "CREATE"
        self.psql(f"{verb} ROLE mesh_admin WITH LOGIN SUPERUSER PASSWORD 'admin-local-secret'")
        asyncio.run(provision_service_databases(self.config.admin_database_url, self.config))

    def running_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().splitlines()[0])
        except (FileNotFoundError, ValueError, IndexError, PermissionError):
            return None
        return pid if processes.is_alive(pid) else None

    def status(self) -> str:
        pid = self.running_pid()
        return f"running (pid {pid}) on {self.config.host}:{self.config.postgres_port}" if pid else "stopped"

    def stop(self) -> bool:
        if not self.running_pid():
            return False
        self._run([str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])
        return True


async def provision_service_databases(admin_url: str, config: LocalConfig) -> None:
    """Idempotent: per service, a role that owns its database and tables (migrations run as it) and a
    role the service runs as, which owns nothing; no role can connect to another service's database.
    A database from before the split has its tables handed from the service's role to the owner."""
    connection = await asyncpg.connect(admin_url)
    try:
        for service in (*SERVICES, "web"):  # and mesh-web's own (its sessions)
            role, owner, database = (
                config.database_role(service),
                config.database_owner_role(service),
                config.database_name(service),
            )
            for name, password in ((role, config.database_password(service)), (owner, config.database_owner_password(service))):
                verb = "ALTER" if await connection.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", name) else "CREATE"
                await connection.execute(
                    f'{verb} ROLE "{name}" WITH LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE '
                    f"PASSWORD '{password.replace(chr(39), chr(39) * 2)}'"
                )
            if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
                await connection.execute(f'CREATE DATABASE "{database}" OWNER "{owner}"')
            await connection.execute(f'ALTER DATABASE "{database}" OWNER TO "{owner}"')
            await connection.execute(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC')
            await connection.execute(f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO "{role}"')
            await _hand_tables_to_owner(admin_url, database, role, owner)
    finally:
        await connection.close()


async def _hand_tables_to_owner(admin_url: str, database: str, role: str, owner: str) -> None:
    inside = await asyncpg.connect(admin_url.rsplit("/", 1)[0] + f"/{database}")
    try:
        await inside.execute(f'REASSIGN OWNED BY "{role}" TO "{owner}"')
        await inside.execute(f'ALTER SCHEMA public OWNER TO "{owner}"')
        await inside.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")  # PostgreSQL 15's default, made sure
    finally:
        await inside.close()
