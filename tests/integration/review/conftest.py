"""Support for review's integration tests: drive review the way registration does (real
application.* envelopes on the ``registration.events`` exchange), watch what review
publishes on ``review.events``, and call its gRPC API as reviewers and admins.

Modules that set ``ISOLATED = {...}`` run against a review process restarted with its own
database (so a programme's one-time recognition and 公示 belong to these tests, not to
whatever else the session did) and a copy of the shipped programmes with the given
top-level keys changed (a programme is data: e.g. a small ``target_count``), plus the
documents in ``EXTRA_PROGRAMMES``. Consecutive isolated modules share one restart; the
shipped configuration is restored after the last of them.
"""

from __future__ import annotations

import re
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from review_support import EventTap

from zjtx.clock import set_clock_file
from zjtx.config import REPO_ROOT
from zjtx.up import Suite
from zjtx_api import review_pb2_grpc


def programme_copy(target: Path, overrides: dict[str, dict[str, Any]], extra: dict[str, str]) -> Path:
    """deploy/programmes copied, with top-level scalar keys of some documents replaced
    and extra documents (``{id: yaml text}``) added."""
    shutil.copytree(REPO_ROOT / "deploy" / "programmes", target)
    for programme_id, text in extra.items():
        (target / f"{programme_id}.yaml").write_text(text, encoding="utf-8")
    for programme_id, keys in overrides.items():
        path = target / f"{programme_id}.yaml"
        text = path.read_text(encoding="utf-8")
        for key, value in keys.items():
            text, count = re.subn(rf"^{key}:.*$", f"{key}: {value}", text, flags=re.MULTILINE)
            assert count == 1, f"{programme_id}: no top-level {key}"
        path.write_text(text, encoding="utf-8")
    return target


HERE = Path(__file__).resolve().parent
_isolation: dict[str, Any] = {}  # the isolated review process, shared by consecutive isolated modules


def _is_isolated(module: Any) -> bool:
    return hasattr(module, "ISOLATED") and Path(module.__file__).resolve().parent == HERE


def _isolated_modules(session: pytest.Session) -> list[Any]:
    return list({id(i.module): i.module for i in session.items if _is_isolated(getattr(i, "module", None))}.values())


def _next_module_is_isolated(request: pytest.FixtureRequest) -> bool:
    items = request.session.items
    last = max(i for i, item in enumerate(items) if getattr(item, "module", None) is request.module)
    return last + 1 < len(items) and _is_isolated(getattr(items[last + 1], "module", None))


def _start_review(suite: Suite, attempts: int = 6) -> None:
    """Start review. On a busy machine RabbitMQ now and then stalls opening a connection
    for longer than the service's start-up check waits (5 s); the process then exits,
    and starting it again a little later works."""
    for attempt in range(1, attempts + 1):
        try:
            suite.start(("review",))
            return
        except RuntimeError:
            if attempt == attempts:
                raise
            time.sleep(3 * attempt)


def _isolate(request: pytest.FixtureRequest, suite: Suite, directory: Path, clock_file: Path) -> None:
    """Restart review on its own database with the programme copies every isolated module
    of this folder asks for (merged, so consecutive modules share one restart)."""
    modules = _isolated_modules(request.session) or [request.module]
    overrides: dict[str, dict[str, Any]] = {}
    extra: dict[str, str] = {}
    for module in modules:
        for programme_id, keys in module.ISOLATED.items():
            overrides.setdefault(programme_id, {}).update(keys)
        extra.update(getattr(module, "EXTRA_PROGRAMMES", {}))
    changed = {"REVIEW_DATABASE": f"zjtx_review_{uuid.uuid4().hex[:8]}", "REVIEW_CLOCK_TICK_SECONDS": "0.5",
               "ZJTX_PROGRAMMES_DIR": str(programme_copy(directory, overrides, extra))}
    _isolation.update(saved={key: suite.env.get(key) for key in changed}, database=changed["REVIEW_DATABASE"])
    suite.stop_service("review")
    suite.env.update(changed)
    set_clock_file(clock_file, "")  # a known start: each module moves the clock itself
    _start_review(suite)


def _restore(suite: Suite) -> None:
    suite.stop_service("review")
    for key, value in _isolation["saved"].items():
        if value is None:
            suite.env.pop(key, None)
        else:
            suite.env[key] = value
    _isolation.clear()
    _start_review(suite)


@pytest.fixture(scope="module")
def review_db(request: pytest.FixtureRequest, suite: Suite, tmp_path_factory: pytest.TempPathFactory,
              clock_file: Path) -> Iterator[str]:
    """The review database the module's assertions read (an isolated one when the module
    sets ISOLATED; the shipped configuration is back after the last such module)."""
    if not _is_isolated(request.module):
        yield "zjtx_review"
        return
    try:
        if not _isolation:
            _isolate(request, suite, tmp_path_factory.mktemp("programmes") / "p", clock_file)
        yield _isolation["database"]
    finally:
        if _isolation and not (_next_module_is_isolated(request) and not request.session.shouldstop
                               and not request.session.shouldfail):
            _restore(suite)


@pytest.fixture(scope="module")
def tap(amqp_uri: str) -> Iterator[EventTap]:
    events = EventTap(amqp_uri)
    yield events
    events.close()


@pytest.fixture(scope="module")
def review_api(channels: dict[str, grpc.Channel], review_db: str) -> review_pb2_grpc.ReviewStub:
    return review_pb2_grpc.ReviewStub(channels["review"])


@pytest.fixture(scope="module")
def clock(clock_file: Path) -> Iterator[Any]:
    """``clock("2020-05-10T10:00:00+08:00")`` moves every service's clock; reset after the module."""
    def move(setting: str) -> None:
        set_clock_file(clock_file, setting)

    yield move
    set_clock_file(clock_file, "")


