"""Service configuration: YAML with ``${VAR:default}`` interpolation.

Each service has ``services/<name>/config.yaml``. An instance file
(``deploy/instances/<instance>.yaml``, chosen by ``ZJTX_INSTANCE``) names what the instance
is (docs/instances.md): its ``jurisdiction`` (a GB/T 2260 code, read by every service as
``JURISDICTION``), its RabbitMQ ``vhost``, its ``databases`` (one per service, each still
overridable by ``<SERVICE>_DATABASE``), its ``programmes`` and its review ``units``
(review's ``PROGRAMMES`` and ``UNITS_FILE``); and it may override any key under
``common:`` for every service or under the service's own name. Interpolation runs after
merging, so an override can use variables too.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVICES_DIR = REPO_ROOT / "services"
INSTANCES_DIR = REPO_ROOT / "deploy" / "instances"

# ${VAR} (required) or ${VAR:default}; the default may be empty.
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")


class ConfigError(Exception):
    """A configuration problem, worded so that one line tells the operator what to fix."""


def interpolate(value: Any, env: dict[str, str] | None = None, where: str = "") -> Any:
    """Replace ``${VAR:default}`` in every string of a nested structure.

    A whole-string reference keeps YAML typing of the substituted text
    (``port: ${PORT:50051}`` gives an int), as nameko's own loader does.
    """
    env = os.environ if env is None else env
    if isinstance(value, dict):
        return {k: interpolate(v, env, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env, f"{where}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in env:
            return env[name]
        if default is None:
            raise ConfigError(
                f"config key '{where}' needs environment variable {name}, which is not set; "
                f"set it (export {name}=...) or give a default as ${{{name}:value}}"
            )
        return default

    whole = _VARIABLE.fullmatch(value)
    text = _VARIABLE.sub(substitute, value)
    if whole:
        # Re-type a value that was entirely one variable ("8080" -> 8080, "" -> None); text that is
        # not a YAML scalar ("*", the trust-every-proxy value) stays the text it is
        if text == "":
            return None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError:
            return text
    return text


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"config file {path} is not valid YAML{at}: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of keys, not {type(data).__name__}")
    return data


def instance_path(instance: str) -> Path:
    path = Path(instance)
    if path.suffix in {".yaml", ".yml"}:
        return path
    return INSTANCES_DIR / f"{instance}.yaml"


def load_config(
    service: str,
    instance: str | None = None,
    env: dict[str, str] | None = None,
    base_path: Path | None = None,
) -> dict[str, Any]:
    """The merged, interpolated config of one service (in nameko's upper-case key style)."""
    env = dict(os.environ) if env is None else env
    config = read_yaml(base_path or SERVICES_DIR / service / "config.yaml")
    instance = instance if instance is not None else env.get("ZJTX_INSTANCE") or None
    if instance:
        overrides = read_yaml(instance_path(instance))
        unknown = set(overrides) - INSTANCE_KEYS
        if unknown:
            raise ConfigError(
                f"instance file {instance_path(instance)} has unknown top-level keys {sorted(unknown)}; "
                f"accepted: {', '.join(sorted(INSTANCE_KEYS))}"
            )
        config = deep_merge(config, instance_settings(overrides, service, instance_path(instance), env))
        config = deep_merge(config, overrides.get("common") or {})
        config = deep_merge(config, overrides.get(service) or {})
        config.setdefault("INSTANCE", overrides.get("instance", instance))
    return interpolate(config, env)


SECTIONS = ("registration", "review", "notification", "reporting", "gateway")
DESCRIPTIVE_KEYS = {"instance", "title", "jurisdiction", "vhost", "databases", "programmes", "units", "upstream",
                    "port_offset"}
INSTANCE_KEYS = {"common", *SECTIONS, *DESCRIPTIVE_KEYS}


def instance_settings(document: dict[str, Any], service: str, path: Path, env: dict[str, str]) -> dict[str, Any]:
    """The config keys an instance file's descriptive keys mean for ``service``."""
    settings: dict[str, Any] = {}
    jurisdiction = document.get("jurisdiction")
    if jurisdiction is not None:
        code = str(jurisdiction)
        if not re.fullmatch(r"\d{6}", code):
            raise ConfigError(f"instance file {path}: jurisdiction {jurisdiction!r} is not a 6-digit GB/T 2260 code "
                              "(e.g. \"430000\" for Hunan, \"430400\" for Hengyang)")
        settings["JURISDICTION"] = code
    databases = document.get("databases") or {}
    if not isinstance(databases, dict) or set(databases) - set(SECTIONS):
        raise ConfigError(f"instance file {path}: databases must map services ({', '.join(SECTIONS)}) to names")
    if service in databases and not env.get(f"{service.upper()}_DATABASE"):
        settings["MONGO_DATABASE"] = str(databases[service])
    if service == "review":
        programmes = document.get("programmes")
        if programmes is not None:
            if not isinstance(programmes, list) or not all(isinstance(p, str) for p in programmes):
                raise ConfigError(f"instance file {path}: programmes must be a list of programme ids "
                                  "(file names under deploy/programmes/ without .yaml)")
            settings["PROGRAMMES"] = list(programmes)
        if document.get("units"):
            units = Path(str(document["units"]))
            settings["UNITS_FILE"] = str(units if units.is_absolute() else REPO_ROOT / units)
    return settings


def instance_document(instance: str | None = None, env: dict[str, str] | None = None) -> dict[str, Any]:
    """The instance file itself ({} without an instance): ``vhost``, ``jurisdiction``, ``upstream``..."""
    env = dict(os.environ) if env is None else env
    instance = instance if instance is not None else env.get("ZJTX_INSTANCE") or None
    if not instance:
        return {}
    document = read_yaml(instance_path(instance))
    return {key: value for key, value in document.items() if key in DESCRIPTIVE_KEYS}
