from __future__ import annotations

from pathlib import Path

import pytest

from zjtx.config import ConfigError, interpolate, load_config


def test_interpolation_uses_environment_then_default() -> None:
    env = {"PORT": "6000"}
    assert interpolate({"a": "${PORT:50051}", "b": "${HOST:127.0.0.1}"}, env) == {"a": 6000, "b": "127.0.0.1"}


def test_interpolation_inside_text_keeps_text() -> None:
    assert interpolate("amqp://${USER:guest}@h/", {}) == "amqp://guest@h/"


def test_empty_default_gives_none() -> None:
    assert interpolate("${NOTHING:}", {}) is None


def test_missing_variable_without_default_names_key_and_variable() -> None:
    with pytest.raises(ConfigError) as error:
        interpolate({"mongo": {"uri": "${MONGO_SECRET}"}}, {})
    assert "mongo.uri" in str(error.value) and "MONGO_SECRET" in str(error.value)


def test_instance_overrides_common_then_service(tmp_path: Path) -> None:
    base = tmp_path / "config.yaml"
    base.write_text("A: 1\nB: ${B:two}\nNESTED: {x: 1, y: 2}\n")
    instance = tmp_path / "city.yaml"
    instance.write_text("instance: hengyang\ncommon: {A: 10, NESTED: {y: 20}}\nregistration: {A: 100}\n")
    config = load_config("registration", str(instance), env={}, base_path=base)
    assert config == {"A": 100, "B": "two", "NESTED": {"x": 1, "y": 20}, "INSTANCE": "hengyang"}


def test_malformed_yaml_is_reported_with_its_position(tmp_path: Path) -> None:
    base = tmp_path / "config.yaml"
    base.write_text("A: [1, 2\nB: 3\n")
    with pytest.raises(ConfigError, match=r"not valid YAML at line \d+"):
        load_config("registration", None, env={}, base_path=base)


def test_unknown_instance_section_is_refused(tmp_path: Path) -> None:
    base = tmp_path / "config.yaml"
    base.write_text("A: 1\n")
    instance = tmp_path / "bad.yaml"
    instance.write_text("registraton: {A: 2}\n")
    with pytest.raises(ConfigError, match="unknown top-level keys.*registraton"):
        load_config("registration", str(instance), env={}, base_path=base)


@pytest.mark.parametrize("service", ["registration", "review", "notification", "reporting", "gateway"])
def test_every_shipped_config_loads_with_defaults_alone(service: str) -> None:
    config = load_config(service, None, env={})
    assert config["LOG_LEVEL"] == "INFO"


@pytest.mark.parametrize("instance", ["hunan-province", "hengyang-city"])
def test_shipped_instances_load(instance: str) -> None:
    config = load_config("review", instance, env={})
    assert config["INSTANCE"]


def test_an_instance_names_its_jurisdiction_databases_programmes_and_units() -> None:
    city = load_config("review", "hengyang-city", env={})
    assert (city["JURISDICTION"], city["MONGO_DATABASE"], city["PROGRAMMES"]) == (
        "430400", "zjtx_hengyang_review", ["hengyang-2020-seed"])
    assert city["UNITS_FILE"].endswith("deploy/units/hengyang.yaml")
    registration = load_config("registration", "hengyang-city", env={})
    assert (registration["JURISDICTION"], registration["MONGO_DATABASE"]) == ("430400", "zjtx_hengyang_registration")
    assert "PROGRAMMES" not in registration  # review's alone
    # an explicit database variable still wins over the file
    assert load_config("review", "hengyang-city", env={"REVIEW_DATABASE": "x"})["MONGO_DATABASE"] == "x"
    assert load_config("review", "hunan-province", env={})["JURISDICTION"] == "430000"


def test_a_jurisdiction_that_is_not_a_division_code_is_refused(tmp_path: Path) -> None:
    instance = tmp_path / "bad.yaml"
    instance.write_text("instance: bad\njurisdiction: hengyang\n")
    with pytest.raises(ConfigError, match="jurisdiction 'hengyang' is not a 6-digit GB/T 2260 code"):
        load_config("review", str(instance), env={})
