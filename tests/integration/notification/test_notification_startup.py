"""A template that names a field its event does not provide stops the notification service
at start, with one line naming the file and the field (never a blank in a message)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from zjtx import embedded_mongo
from zjtx.config import REPO_ROOT
from zjtx.up import Suite

TEMPLATES = REPO_ROOT / "services" / "notification" / "templates"


def test_a_template_with_an_unknown_field_stops_start_up_with_one_clear_line(suite: Suite, tmp_path: Path) -> None:
    broken = tmp_path / "templates"
    shutil.copytree(TEMPLATES, broken)
    path = broken / "review.returned.email.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("${unit_name}", "${reviewer_phone}", 1), encoding="utf-8")
    (broken / "review.rejected.sms.txt").unlink()

    env = {**suite.env, "NOTIFICATION_TEMPLATES_DIR": str(broken),
           "NOTIFICATION_GRPC_PORT": str(embedded_mongo.free_port()), "OTEL_TRACES_EXPORTER": "none"}
    for _ in range(3):  # a broker stalled by other sessions fails the earlier start-up check: try again
        started = subprocess.run([sys.executable, "-m", "zjtx.launch", "notification"], env=env, cwd=REPO_ROOT,
                                 capture_output=True, text=True, timeout=90)
        if "RabbitMQ is not reachable" not in started.stderr:
            break

    assert started.returncode == 2, started.stderr[-2000:]
    lines = [line for line in started.stderr.splitlines() if line.startswith("zjtx: cannot start:")]
    assert len(lines) == 1, started.stderr[-2000:]
    line = lines[0]
    assert "review.returned.email.txt: field ${reviewer_phone} is not provided by review.returned" in line
    assert "review.rejected.sms.txt is missing" in line
    assert "Traceback" not in started.stderr


def test_the_shipped_templates_start(suite: Suite) -> None:
    """The suite's own notification service started with the shipped templates."""
    assert suite.healthy("notification")
    assert len(list(TEMPLATES.glob("*.txt"))) == 69
    assert os.access(TEMPLATES, os.R_OK)
