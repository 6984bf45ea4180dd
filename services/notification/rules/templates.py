"""Chinese message templates kept as files, one per notice kind and channel.

File name: ``<kind>.<channel>.txt`` (``review.returned.email.txt``). Placeholders are
``${field}`` (``string.Template``; ``$$`` is a dollar sign). For ``email`` and ``inbox``
the first line is the subject / title and the second line must be empty; the rest is
the body. An ``sms`` file is the text of the message.

``load_templates`` checks the whole directory at start-up: a missing file, a file that
matches no kind, or a placeholder naming a field its kind does not provide stops the
service with one line that names every file and field, instead of a blank in a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template

from notification.rules.catalogue import CHANNELS, FIELDS, provided_fields
from zjtx.config import ConfigError

SUFFIX = ".txt"


class TemplateError(ConfigError):
    """The template directory is unusable; ``problems`` lists every reason."""

    def __init__(self, directory: Path, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"notification templates in {directory}: " + "; ".join(problems))


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


@dataclass(frozen=True)
class MessageTemplate:
    kind: str
    channel: str
    file: str
    title: Template | None
    body: Template

    def identifiers(self) -> set[str]:
        found = set(self.body.get_identifiers())
        if self.title is not None:
            found |= set(self.title.get_identifiers())
        return found

    def is_valid(self) -> bool:
        return self.body.is_valid() and (self.title is None or self.title.is_valid())

    def render(self, values: Mapping[str, object]) -> Rendered:
        text = {key: str(value) for key, value in values.items()}
        title = self.title.substitute(text).strip() if self.title is not None else ""
        return Rendered(title=title, body=self.body.substitute(text).strip())


class TemplateSet:
    def __init__(self, templates: Mapping[tuple[str, str], MessageTemplate]) -> None:
        self._templates = dict(templates)

    def get(self, kind: str, channel: str) -> MessageTemplate:
        return self._templates[(kind, channel)]

    def render(self, kind: str, channel: str, values: Mapping[str, object]) -> Rendered:
        return self.get(kind, channel).render(values)

    def __len__(self) -> int:
        return len(self._templates)


def file_name(kind: str, channel: str) -> str:
    return f"{kind}.{channel}{SUFFIX}"


def parse_template(kind: str, channel: str, file: str, text: str) -> tuple[MessageTemplate | None, list[str]]:
    """One file's template, or the problems with it."""
    text = text.replace("\r\n", "\n").strip("\n")
    if channel == "sms":
        if not text.strip():
            return None, [f"{file}: empty; write the text of the SMS"]
        return MessageTemplate(kind, channel, file, None, Template(text)), []
    lines = text.split("\n")
    if len(lines) < 3 or not lines[0].strip() or lines[1].strip() or not "\n".join(lines[2:]).strip():
        return None, [f"{file}: write the subject on the first line, leave the second line empty, then the body"]
    return MessageTemplate(kind, channel, file, Template(lines[0]), Template("\n".join(lines[2:]))), []


def check_template(template: MessageTemplate) -> list[str]:
    if not template.is_valid():
        return [f"{template.file}: invalid placeholder; write ${{field}} (and $$ for a dollar sign)"]
    allowed = set(provided_fields(template.kind))
    return [
        f"{template.file}: field ${{{name}}} is not provided by {template.kind}; provided: {', '.join(sorted(allowed))}"
        for name in sorted(template.identifiers() - allowed)
    ]


def load_templates(directory: Path) -> TemplateSet:
    """Every template of every kind and channel, checked; TemplateError names every problem."""
    if not directory.is_dir():
        raise TemplateError(directory, [f"directory {directory} does not exist; set TEMPLATES_DIR"])
    problems: list[str] = []
    templates: dict[tuple[str, str], MessageTemplate] = {}
    expected = {file_name(kind, channel): (kind, channel) for kind in FIELDS for channel in CHANNELS}
    for path in sorted(directory.glob(f"*{SUFFIX}")):
        if path.name not in expected:
            problems.append(f"{path.name} matches no notice kind and channel; expected <kind>.<channel>{SUFFIX} "
                            f"with a kind of {', '.join(FIELDS)} and a channel of {', '.join(CHANNELS)}")
    for name, (kind, channel) in expected.items():
        path = directory / name
        if not path.is_file():
            problems.append(f"{name} is missing (one template per notice kind and channel)")
            continue
        template, found = parse_template(kind, channel, name, path.read_text(encoding="utf-8"))
        problems.extend(found)
        if template is not None:
            checked = check_template(template)
            problems.extend(checked)
            if not checked:
                templates[(kind, channel)] = template
    if problems:
        raise TemplateError(directory, problems)
    return TemplateSet(templates)
