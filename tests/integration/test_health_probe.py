"""The Kubernetes probe (deploy/k8s): ``python -m zjtx.health <service>`` asks the service's gRPC
health service over mutual TLS with the pod's own certificate, as kubelet runs it in the pod.
It passes against a running service and fails without a certificate from the project CA and
against a port where nothing listens, so a probe can tell a dead pod from a live one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from zjtx import pki
from zjtx.config import REPO_ROOT
from zjtx.embedded_mongo import free_port
from zjtx.up import Suite


def probe(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zjtx.health", *args], capture_output=True, text=True, timeout=60,
                          cwd=REPO_ROOT, env={"PYTHONPATH": str(REPO_ROOT / "services"), **(env or {})})


@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pki.generate(tmp_path_factory.mktemp("probe-stranger"), principals=("review",))


def test_probe_passes_with_the_pods_own_certificate(suite: Suite) -> None:
    # the service's own principal, as in its pod (which holds no ops key); the port from the environment
    port = suite.endpoints["review"].rsplit(":", 1)[1]
    done = probe("review", env={"ZJTX_PKI_DIR": str(suite.pki_dir), "REVIEW_GRPC_PORT": port})
    assert done.returncode == 0, done.stderr
    assert "SERVING" in done.stdout
    live = probe("registration", "--live", "--target", suite.endpoints["registration"], "--pki", str(suite.pki_dir))
    assert live.returncode == 0, live.stderr


def test_probe_fails_without_the_project_ca(suite: Suite, stranger: Path) -> None:
    done = probe("review", "--target", suite.endpoints["review"], "--pki", str(stranger))
    assert done.returncode == 1
    assert "not answering" in done.stderr


def test_probe_fails_where_nothing_listens(suite: Suite) -> None:
    done = probe("reporting", "--live", "--target", f"127.0.0.1:{free_port()}", "--pki", str(suite.pki_dir),
                 "--timeout", "1")
    assert done.returncode == 1
    assert "UNAVAILABLE" in done.stderr or "DEADLINE_EXCEEDED" in done.stderr
