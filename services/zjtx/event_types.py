"""The event registry: event type <-> payload message, derived from ``proto/``.

Each service's proto file documents its event payloads the same way: the comment block
right above a payload message starts with the event type(s) it carries,

    // review.task_opened
    message TaskOpened { ... }
    // review.recognised / review.not_recognised: published after the 公示
    message Recognition { ... }

and the file's name is the producing service (the exchange ``<service>.events``). This
module reads those blocks once, so a producer emits a payload without naming its type
again (``unit.emit_event(pb.TaskOpened(...), subject)``) and a consumer declares only
the types it wants (``consumes(...)``); the source service and the payload class follow.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from google.protobuf.message import Message

from zjtx.config import REPO_ROOT

PROTO_DIR = REPO_ROOT / "proto" / "zjtx_api"
PACKAGE = "zjtx_api"
_TYPE = r"[a-z][a-z_]*\.[a-z][a-z_]*"
_HEAD = re.compile(rf"^//\s*({_TYPE}(?:\s*/\s*{_TYPE})*)\s*(?::|$)")
_MESSAGE = re.compile(r"^message\s+(\w+)\s*\{")


@dataclass(frozen=True)
class EventType:
    type: str                    # "review.task_opened", also the routing key
    source: str                  # the producing service: exchange "<source>.events"
    payload: type[Message]       # the payload's proto message class


class UnknownEventType(KeyError):
    """An event type, or a payload class, that proto/ does not declare as an event."""


def _declared(path: Path) -> list[tuple[str, str]]:
    """(event type, message name) pairs declared in one proto file."""
    pairs: list[tuple[str, str]] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        match = _MESSAGE.match(line)
        if not match:
            continue
        first = number
        while first > 0 and lines[first - 1].startswith("//"):
            first -= 1
        head = _HEAD.match(lines[first]) if first < number else None
        if head:
            pairs += [(t.strip(), match.group(1)) for t in head.group(1).split("/")]
    return pairs


@cache
def registry() -> dict[str, EventType]:
    """Every event type of the suite, read from proto/ on first use."""
    found: dict[str, EventType] = {}
    for path in sorted(PROTO_DIR.glob("*.proto")):
        module = importlib.import_module(f"{PACKAGE}.{path.stem}_pb2")
        for event_type, message in _declared(path):
            if event_type in found:
                raise ValueError(f"{path}: event type {event_type} is declared twice")
            found[event_type] = EventType(event_type, path.stem, getattr(module, message))
    return found


def event(event_type: str) -> EventType:
    try:
        return registry()[event_type]
    except KeyError:
        raise UnknownEventType(f"{event_type!r} is not an event declared in proto/; known: "
                               f"{', '.join(sorted(registry()))}") from None


def types_of(payload: type[Message] | Message) -> list[str]:
    """The event types a payload class carries (two for ProgrammeWindowChanged and Recognition)."""
    cls = payload if isinstance(payload, type) else type(payload)
    return [e.type for e in registry().values() if e.payload is cls]


def type_of(payload: Message) -> str:
    """The one event type of ``payload``; a payload shared by two types must be named."""
    types = types_of(payload)
    if len(types) != 1:
        raise UnknownEventType(f"{type(payload).__name__} carries {types or 'no event type'}: name the type")
    return types[0]


def source_of(event_type: str) -> str:
    return event(event_type).source


def payload_of(event_type: str) -> type[Message]:
    return event(event_type).payload
