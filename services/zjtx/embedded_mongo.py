"""The embedded MongoDB-protocol server (SecantusDB, see docs/stack.md).

Used by ``make up`` / ``make demo`` when MONGO_URI is unset, and by the tests. Real
deployments point MONGO_URI at MongoDB (docker-compose does).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pymongo import MongoClient

# A service killed in the middle of a transaction leaves it open on the server, holding the
# documents it wrote, until the server reaps it (mongod: transactionLifetimeLimitSeconds,
# 60 s by default; SecantusDB the same): until then every transaction touching those
# documents waits, e.g. the redelivered event the dead process was handling. Ours last well
# under a second, so the embedded server reaps after 15 s, like docker-compose's mongod.
TRANSACTION_LIFETIME_SECONDS = 15.0


# ports free_port handed out in this process: it never hands out one twice
_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A port free on loopback now, and not handed out by this process before: a caller that takes
    several before anything binds them (a test suite's services) would otherwise be given the same
    port twice by the kernel, and two gRPC servers (eventlet.listen sets SO_REUSEPORT) would share it."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        # as the server binds (SO_REUSEADDR): connections of a server that just stopped,
        # lingering in TIME_WAIT, do not stop it restarting on its port; a listener does
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class EmbeddedMongo:
    process: subprocess.Popen[bytes]
    port: int
    data_dir: Path
    log_path: Path

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def stop(self, timeout: float = 20.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def server_command() -> str:
    found = shutil.which("secantusd-py") or str(Path(sys.executable).with_name("secantusd-py"))
    if not Path(found).exists():
        raise RuntimeError("secantusd-py is not installed; run `make venv` (pip install -r requirements.txt)")
    return found


def start(data_dir: Path, port: int | None = None, log_path: Path | None = None,
          timeout: float = 60.0, sync_on_commit: bool = False) -> EmbeddedMongo:
    """Start SecantusDB on loopback and wait until it answers a ping."""
    port = port or free_port()
    if not port_is_free(port):
        raise RuntimeError(f"port {port} for the embedded MongoDB server is taken; "
                           "stop what uses it, or set MONGO_URI to a running server")
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_path or data_dir.parent / f"{data_dir.name}.log"
    server_command()  # installed?
    # secantusd-py's own command line, run through serve() for the transaction lifetime
    launcher = (f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r}); "
                "from zjtx.embedded_mongo import serve; raise SystemExit(serve(sys.argv[1:]))")
    command = [sys.executable, "-c", launcher, "--host", "127.0.0.1", "--port", str(port),
               "--storage-path", str(data_dir), "--log-level", "WARNING"]
    if sync_on_commit:
        command.append("--sync-on-commit")
    log_file = open(log_path, "ab")
    process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    server = EmbeddedMongo(process, port, data_dir, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"embedded MongoDB server exited with {process.returncode}; see {log_path}")
        try:
            with MongoClient(server.uri, serverSelectionTimeoutMS=500) as client:
                client.admin.command("ping")
            return server
        except Exception:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"embedded MongoDB server did not answer within {timeout:.0f}s; see {log_path}")


def serve(argv: list[str]) -> int:
    """secantusd-py with TRANSACTION_LIFETIME_SECONDS (it has no flag or config key for it)."""
    import functools

    from secantus import cli

    lifetime = float(os.environ.get("ZJTX_MONGO_TRANSACTION_LIFETIME_SECONDS", TRANSACTION_LIFETIME_SECONDS))
    cli.SecantusDBServer = functools.partial(  # type: ignore[misc]
        cli.SecantusDBServer, transaction_lifetime_seconds=lifetime)
    return int(cli.main(argv))


def main() -> None:
    """``python -m zjtx.embedded_mongo DIR [PORT]``: run in the foreground (for scripts)."""
    data_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "var/mongo")
    port = int(sys.argv[2]) if len(sys.argv) > 2 else int(os.environ.get("ZJTX_MONGO_PORT", "27017"))
    server = start(data_dir, port)
    print(server.uri, flush=True)
    try:
        server.process.wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
