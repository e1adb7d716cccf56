"""Keycloak, the local identity provider: its Maven distribution on the machine's Java, with the demo
realm (deploy/local/keycloak/realm.json) imported at every start into an in-memory store.

Built once per install (``kc.sh build``, about 40 s), then started with ``--optimized`` (about 20 s).
Signing keys are made anew at each start; services fetch them again on the first token they see.
"""

import hashlib
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import httpx

from mesh_local import processes
from mesh_local.config import REPO_ROOT, LocalConfig
from mesh_local.realm import AUTOMATION_CLIENT, AUTOMATION_SECRET, DEMO_PASSWORD, PUBLIC_CLIENT, REALM_FILE

POM = REPO_ROOT / "deploy" / "local" / "keycloak" / "pom.xml"
BUILD_OPTIONS = ("--db=dev-mem", "--health-enabled=true")


class KeycloakError(RuntimeError):
    pass


def keycloak_version() -> str:
    return POM.read_text().split("<keycloak.version>")[1].split("</keycloak.version>")[0]


def install(config: LocalConfig) -> Path:
    """Resolve and unpack the distribution once, and build it once for our options."""
    home = config.cache_dir / f"keycloak-{keycloak_version()}"
    built = home / f".built-{hashlib.sha256(' '.join(BUILD_OPTIONS).encode()).hexdigest()[:12]}"
    if built.exists():
        return home
    if shutil.which("mvn") is None:
        raise KeycloakError("Maven (mvn) is needed to fetch Keycloak: apt-get install maven")
    download = config.cache_dir / "downloads"
    archive = download / f"keycloak-quarkus-dist-{keycloak_version()}.zip"
    if not archive.exists():
        result = subprocess.run(
            [
                "mvn",
                "-q",
                "-B",
                "-f",
                str(POM),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={download}",
                "-DincludeTypes=zip",
                "-DexcludeTransitive=true",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not archive.exists():
            raise KeycloakError(f"fetching Keycloak failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    shutil.rmtree(home, ignore_errors=True)
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(config.cache_dir)  # the archive's one folder is keycloak-<version>
    result = subprocess.run(
        ["bash", str(home / "bin" / "kc.sh"), "build", *BUILD_OPTIONS],
        capture_output=True,
        text=True,
        check=False,
        env=_env(config),
    )
    if result.returncode != 0:
        raise KeycloakError(f"building Keycloak failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    built.write_text(keycloak_version())
    return home


def _env(config: LocalConfig) -> dict[str, str]:
    return {
        "JAVA_OPTS_KC_HEAP": f"-Xms64m -Xmx{config.keycloak_heap}",
        "KC_BOOTSTRAP_ADMIN_USERNAME": "admin",
        "KC_BOOTSTRAP_ADMIN_PASSWORD": "admin-local-secret",
        "MESH_WEB_PUBLIC_URL": config.web_url,
    }  # the realm's mesh-web client points back at this stack's app


class LocalKeycloak:
    def __init__(self, config: LocalConfig) -> None:
        self.config = config
        self.dir = config.state_dir / "keycloak"
        self.pid_file = self.dir / "keycloak.pid"
        self.log_file = self.dir / "keycloak.log"

    def start(self) -> bool:
        """Start if not running; returns whether it was started now."""
        if self.config.oidc_issuer_override or processes.running_pid(self.pid_file):
            return False
        c = self.config
        processes.require_free_ports("Keycloak", c.host, c.keycloak_port, c.keycloak_management_port)
        home = install(c)
        imports = home / "data" / "import"
        imports.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REALM_FILE, imports / "mentoring-mesh.json")
        self.dir.mkdir(parents=True, exist_ok=True)
        processes.start(
            [
                "bash",
                str(home / "bin" / "kc.sh"),
                "start",
                "--optimized",
                "--import-realm",
                "--http-enabled=true",
                f"--http-host={c.host}",
                f"--http-port={c.keycloak_port}",
                f"--http-management-port={c.keycloak_management_port}",
                f"--hostname=http://{c.host}:{c.keycloak_port}",
            ],
            pid_file=self.pid_file,
            log_file=self.log_file,
            env=_env(c),
            cwd=home,
        )
        return True

    def wait_ready(self, timeout: float = 180.0) -> None:
        if self.config.oidc_issuer_override:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not processes.running_pid(self.pid_file):
                raise KeycloakError(f"Keycloak exited; see {self.log_file}:\n{_tail(self.log_file)}")
            try:
                if httpx.get(f"{self.config.oidc_issuer}/.well-known/openid-configuration", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise KeycloakError(f"Keycloak not ready after {timeout:.0f}s; see {self.log_file}")

    def status(self) -> str:
        if self.config.oidc_issuer_override:
            return f"external at {self.config.oidc_issuer}"
        pid = processes.running_pid(self.pid_file)
        return f"running (pid {pid}), issuer {self.config.oidc_issuer}" if pid else "stopped"

    def stop(self) -> bool:
        return processes.stop(self.pid_file, timeout=60)


def token_endpoint(config: LocalConfig) -> str:
    return f"{config.oidc_issuer}/protocol/openid-connect/token"


def user_token(config: LocalConfig, username: str, password: str = DEMO_PASSWORD) -> str:
    """An access token for a demo user (the password grant of the public client: local demo only)."""
    return _token(
        config,
        {"grant_type": "password", "client_id": PUBLIC_CLIENT, "username": username, "password": password, "scope": "openid"},
        f"user {username!r}",
    )


def automation_token(config: LocalConfig) -> str:
    """An access token of the confidential automation client (client credentials)."""
    return _token(
        config,
        {"grant_type": "client_credentials", "client_id": AUTOMATION_CLIENT, "client_secret": AUTOMATION_SECRET},
        f"client {AUTOMATION_CLIENT!r}",
    )


def _token(config: LocalConfig, form: dict[str, str], who: str) -> str:
    try:
        response = httpx.post(token_endpoint(config), data=form, timeout=10)
    except httpx.HTTPError as error:
        raise KeycloakError(f"no token for {who}: Keycloak at {config.oidc_issuer} not reachable ({error})") from error
    if response.status_code != 200:
        raise KeycloakError(f"no token for {who}: {response.status_code} {response.text[:300]}")
    return response.json()["access_token"]


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"
