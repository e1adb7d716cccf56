"""A single-node Apache Kafka 4 in KRaft mode, from the official jars on Maven Central."""

import asyncio
import logging
import shutil
import subprocess
import time
import uuid
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from mesh_local import processes
from mesh_local.config import REPO_ROOT, LocalConfig

POM = REPO_ROOT / "deploy" / "local" / "kafka" / "pom.xml"
LOG4J = REPO_ROOT / "deploy" / "local" / "kafka" / "log4j2.properties"


class KafkaError(RuntimeError):
    pass


def kafka_version() -> str:
    text = POM.read_text()
    return text.split("<kafka.version>")[1].split("</kafka.version>")[0]


def libs_dir(config: LocalConfig) -> Path:
    return config.cache_dir / f"kafka-{kafka_version()}" / "libs"


def fetch_jars(config: LocalConfig) -> Path:
    """Resolve the pinned jars with Maven once; later calls reuse the cache."""
    libs = libs_dir(config)
    done = libs / ".complete"
    if done.exists():
        return libs
    if shutil.which("mvn") is None:
        raise KafkaError("Maven (mvn) is needed to fetch Kafka's jars: apt-get install maven")
    libs.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(POM),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={libs}",
            "-DincludeScope=runtime",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not any(libs.glob("kafka_2.13-*.jar")):
        raise KafkaError(f"fetching Kafka jars failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    done.write_text(kafka_version())
    return libs


class LocalKafka:
    def __init__(self, config: LocalConfig) -> None:
        self.config = config
        self.dir = config.state_dir / "kafka"
        self.pid_file = self.dir / "kafka.pid"
        self.log_file = self.dir / "kafka.log"

    @property
    def properties_file(self) -> Path:
        return self.dir / "server.properties"

    def _java(self) -> str:
        java = shutil.which("java")
        if java is None:
            raise KafkaError("a Java 17+ runtime is needed for Kafka: apt-get install openjdk-17-jre-headless")
        return java

    def _classpath(self) -> str:
        return f"{libs_dir(self.config)}/*"

    def _write_properties(self) -> None:
        c = self.config
        self.properties_file.write_text(
            "\n".join(
                [
                    "process.roles=broker,controller",
                    "node.id=1",
                    f"controller.quorum.bootstrap.servers={c.host}:{c.kafka_controller_port}",
                    f"listeners=PLAINTEXT://{c.host}:{c.kafka_port},CONTROLLER://{c.host}:{c.kafka_controller_port}",
                    f"advertised.listeners=PLAINTEXT://{c.host}:{c.kafka_port}",
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    f"log.dirs={self.dir / 'data'}",
                    "num.partitions=1",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=10",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=false",
                    "",
                ]
            )
        )

    def _format_storage(self) -> None:
        if (self.dir / "data" / "meta.properties").exists():
            return
        result = subprocess.run(
            [
                self._java(),
                "-cp",
                self._classpath(),
                "kafka.tools.StorageTool",
                "format",
                "--standalone",
                "-t",
                str(uuid.uuid4()),
                "-c",
                str(self.properties_file),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise KafkaError(f"formatting Kafka storage failed: {result.stdout}{result.stderr}")

    def start(self) -> bool:
        """Start if not running; returns whether it was started now."""
        if processes.running_pid(self.pid_file):
            return False
        processes.require_free_ports("Kafka", self.config.host, self.config.kafka_port, self.config.kafka_controller_port)
        fetch_jars(self.config)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._write_properties()
        self._format_storage()
        processes.start(
            [
                self._java(),
                f"-Xmx{self.config.kafka_heap}",
                f"-Xms{self.config.kafka_heap}",
                "-XX:+UseG1GC",
                f"-Dlog4j2.configurationFile={LOG4J}",
                "-Dkafka.logs.dir=" + str(self.dir),
                "-cp",
                self._classpath(),
                "kafka.Kafka",
                str(self.properties_file),
            ],
            pid_file=self.pid_file,
            log_file=self.log_file,
        )
        return True

    def wait_ready(self, timeout: float = 90.0) -> None:
        # aiokafka logs every refused connection while the broker boots; only the outcome matters here.
        logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if not processes.running_pid(self.pid_file):
                raise KafkaError(f"Kafka exited; see {self.log_file}:\n{_tail(self.log_file)}")
            try:
                asyncio.run(self.metadata())
                return
            except Exception as error:  # noqa: BLE001 - any failure means not ready yet
                last_error = error
                time.sleep(0.5)
        raise KafkaError(f"Kafka not ready after {timeout:.0f}s ({last_error}); see {self.log_file}")

    async def metadata(self) -> list[str]:
        """Ready means a client can fetch metadata: returns the topic names."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.config.kafka_bootstrap, request_timeout_ms=5000)
        await admin.start()
        try:
            return await admin.list_topics()
        finally:
            await admin.close()

    def status(self) -> str:
        pid = processes.running_pid(self.pid_file)
        return f"running (pid {pid}) on {self.config.kafka_bootstrap}" if pid else "stopped"

    def stop(self) -> bool:
        return processes.stop(self.pid_file, timeout=60)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"
