"""docker-compose.yml cannot run here (no Docker engine, no Compose CLI), so it is validated
against the Compose Specification's own JSON Schema (tests/unit/data) and checked against the
code: every service's command starts a real entrypoint, every environment key is one its config
reads, ports are the ones its config defaults to, each instance (profile) has its own vhost,
databases and accounts, nothing but the gateways, the management UI and Jaeger is published,
and no secret has a default."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml

from zjtx import compose_setup
from zjtx.config import REPO_ROOT, load_config
from zjtx.processes import SERVICES

TEXT = (REPO_ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(TEXT)
SCHEMA = json.loads((Path(__file__).parent / "data" / "compose-spec.json").read_text())
CONFIG_VARIABLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)")
# read by the SDK, the launcher or the config loader rather than config.yaml
PROCESS_VARIABLES = {"PYTHONPATH", "OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL",
                     "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "ZJTX_INSTANCE", "ZJTX_CLOCK", "ZJTX_PKI_DIR",
                     "ZJTX_MODE", "ZJTX_FIELD_KEY"}
DEFAULT_PORTS = {"registration": 50051, "review": 50052, "notification": 50053, "reporting": 50054, "gateway": 8080}
# profile -> (instance, prefix of its services' names)
PROFILES = {"province": ("hunan-province", ""), "city": ("hengyang-city", "city-")}
PROCESSES = [*SERVICES, "gateway"]
DECLARED = [(profile, process) for profile in PROFILES for process in PROCESSES]


def declared(profile: str, process: str) -> dict:
    return COMPOSE["services"][PROFILES[profile][1] + process]


def config_variables(service: str) -> set[str]:
    text = (REPO_ROOT / "services" / service / "config.yaml").read_text()
    for instance in (REPO_ROOT / "deploy" / "instances").glob("*.yaml"):
        text += instance.read_text()
    return set(CONFIG_VARIABLE.findall(text))


def resolved_env(profile: str, process: str) -> dict[str, str]:
    """The service's environment as Compose passes it, with placeholder secrets."""
    return {key: re.sub(r"\$\{[^}]+\}", "secret", str(value))
            for key, value in declared(profile, process)["environment"].items()}


def test_compose_file_validates_against_the_compose_specification() -> None:
    errors = list(jsonschema.Draft7Validator(SCHEMA).iter_errors(COMPOSE))
    assert not errors, "\n".join(f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


@pytest.mark.parametrize("mutation", ["ports as a number", "unknown service key", "depends_on condition unknown"])
def test_the_schema_check_refuses_an_invalid_file(mutation: str) -> None:
    broken = copy.deepcopy(COMPOSE)
    gateway = broken["services"]["gateway"]
    if mutation == "ports as a number":
        gateway["ports"] = 8080
    elif mutation == "unknown service key":
        gateway["publish"] = ["8080:8080"]
    else:
        broken["services"]["review"]["depends_on"]["setup-province"]["condition"] = "service_ready"
    assert list(jsonschema.Draft7Validator(SCHEMA).iter_errors(broken))


@pytest.mark.parametrize(("profile", "process"), DECLARED)
def test_service_is_declared_in_its_profile_and_runs_its_entrypoint(profile: str, process: str) -> None:
    service = declared(profile, process)
    assert service["profiles"] == [profile]
    assert service["environment"]["ZJTX_INSTANCE"] == PROFILES[profile][0]
    if process == "gateway":
        assert service["command"] == ["python", "-m", "gateway"]
        assert (REPO_ROOT / "services" / "gateway" / "__main__.py").exists()
    else:
        assert service["command"] == ["python", "-m", "zjtx.launch", process]


@pytest.mark.parametrize(("profile", "process"), DECLARED)
def test_environment_keys_are_read_by_the_service(profile: str, process: str) -> None:
    environment = declared(profile, process)["environment"]
    unknown = set(environment) - config_variables(process) - PROCESS_VARIABLES
    assert not unknown, f"{process} is given variables its config never reads: {sorted(unknown)}"


def test_only_the_gateways_the_management_ui_and_jaeger_are_published() -> None:
    published = {name: service["ports"] for name, service in COMPOSE["services"].items() if service.get("ports")}
    assert published == {"gateway": ["8080:8080"], "city-gateway": ["8081:8080"], "rabbitmq": ["15672:15672"],
                         "jaeger": ["16686:16686"]}


@pytest.mark.parametrize("process", PROCESSES)
def test_published_port_is_the_configured_default(process: str) -> None:
    port = DEFAULT_PORTS[process]
    key = "HTTP_PORT" if process == "gateway" else "GRPC_BIND_PORT"
    assert load_config(process, None, env={})[key] == port
    for profile in PROFILES:
        assert str(port) in declared(profile, process)["environment"].values()


@pytest.mark.parametrize(("profile", "process"), DECLARED)
def test_each_process_has_its_own_accounts_in_its_own_vhost_and_database(profile: str, process: str) -> None:
    instance = PROFILES[profile][0]
    env = resolved_env(profile, process)
    mongo = urlsplit(env["MONGO_URI"])
    assert mongo.username == compose_setup.user_name(instance, process) and mongo.password == "secret"
    assert "authSource=admin" in mongo.query
    # the database the setup container grants is the one the process uses, with the same environment
    setup = {k: str(v) for k, v in COMPOSE["services"][f"setup-{profile}"]["environment"].items()}
    assert load_config(process, instance, env=env)["MONGO_DATABASE"] == compose_setup.database(instance, process, setup)
    amqp = urlsplit(env["RABBIT_MANAGEMENT_URI"] if process == "gateway" else env["AMQP_URI"])
    assert amqp.username == compose_setup.user_name(instance, process) and amqp.password == "secret"
    assert urlsplit(env["AMQP_URI"]).path == f"/{compose_setup.instance_vhost(instance)}"
    if process != "gateway":
        assert set(declared(profile, process)["depends_on"]) == {f"setup-{profile}", "otel-collector"}
        assert declared(profile, process)["depends_on"][f"setup-{profile}"] == {
            "condition": "service_completed_successfully"}


def test_instances_share_no_vhost_no_database_and_no_user() -> None:
    seen: dict[str, set[str]] = {}
    for profile, (instance, _) in PROFILES.items():
        names = {compose_setup.instance_vhost(instance)}
        for process in PROCESSES:
            env = resolved_env(profile, process)
            names |= {str(load_config(process, instance, env=env)["MONGO_DATABASE"]),
                      urlsplit(env["MONGO_URI"]).username or ""}
        seen[profile] = names
    assert not seen["province"] & seen["city"]


def test_setup_container_is_given_every_password_of_its_instance() -> None:
    for profile, (instance, _) in PROFILES.items():
        setup = COMPOSE["services"][f"setup-{profile}"]
        assert setup["command"][-1] == instance
        needed = {compose_setup.password_variable(instance, p, s) for p in PROCESSES for s in ("BROKER", "MONGO")}
        assert needed <= set(setup["environment"])
        assert {"rabbitmq", "mongo"} == set(setup["depends_on"])


def test_no_secret_has_a_default_and_no_account_is_guest() -> None:
    assert not re.search(r"guest[:@]", TEXT), "a guest account in a URI"
    broker = COMPOSE["services"]["rabbitmq"]["environment"]
    assert broker["RABBITMQ_DEFAULT_USER"] != "guest" and broker["RABBITMQ_DEFAULT_PASS"].startswith("${")
    assert COMPOSE["services"]["mongo"]["environment"]["MONGO_INITDB_ROOT_PASSWORD"].startswith("${")
    assert "--keyFile" in COMPOSE["services"]["mongo"]["command"]  # a replica set with users needs one
    for reference in re.findall(r"\$\{([A-Z0-9_]+)([^}]*)\}", TEXT):
        name, rest = reference
        if name in BOOTSTRAP_PASSWORDS:
            assert rest == ":-"  # unset: the gateway creates no administrator and says so
            continue
        if name in OPTIONAL_SETTINGS:
            assert rest.startswith(":-") and rest != ":-", f"{name} keeps a default"
            continue
        assert rest == ":?run make compose-env", f"{name} must refuse to start without a value"
        assert name in compose_setup.secret_variables()


BOOTSTRAP_PASSWORDS = {f"ZJTX_BOOTSTRAP_{who}_PASSWORD" for who in ("ADMIN", "SECURITY", "AUDIT")}
OPTIONAL_SETTINGS = {"ZJTX_BOOTSTRAP_SECURITY_EMAIL", "ZJTX_BOOTSTRAP_AUDIT_EMAIL", "ZJTX_AUDIT_RETENTION_DAYS"}


@pytest.mark.parametrize("profile", PROFILES)
def test_each_gateway_is_given_the_three_administrators_and_the_audit_retention(profile: str) -> None:
    """三员分立 in a deployment: the system, security and audit administrators' bootstrap passwords, the
    security and audit administrators' e-mails (one person, one role), and the retention of the audit."""
    environment = declared(profile, "gateway")["environment"]
    assert BOOTSTRAP_PASSWORDS | OPTIONAL_SETTINGS <= set(environment)
    assert environment["ZJTX_AUDIT_RETENTION_DAYS"] == "${ZJTX_AUDIT_RETENTION_DAYS:-180}"
    # as Compose resolves it with nothing set: defaults taken, the rest placeholders
    env = {key: re.sub(r"\$\{[^}]+\}", "secret", re.sub(r"\$\{[A-Z0-9_]+:-([^}]*)\}", r"\1", str(value)))
           for key, value in environment.items()}
    gateway = load_config("gateway", env=env)
    assert int(gateway["AUDIT_RETENTION_DAYS"]) >= 180 and gateway["BOOTSTRAP_SECURITY_EMAIL"] != gateway[
        "BOOTSTRAP_AUDIT_EMAIL"]


def test_targets_point_at_declared_services_and_ports() -> None:
    for name, service in COMPOSE["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if key.endswith("_TARGET"):
                host, port = value.split(":")
                assert host in COMPOSE["services"], f"{name}.{key} points at unknown service {host}"
                assert host.startswith("city-") == name.startswith("city-"), f"{name}.{key} crosses instances"
                assert int(port) == DEFAULT_PORTS[host.removeprefix("city-")]


def test_collector_sends_to_jaeger() -> None:
    collector = yaml.safe_load(Path(REPO_ROOT / "deploy" / "otel" / "collector.yaml").read_text())
    assert "otlp/jaeger" in collector["service"]["pipelines"]["traces"]["exporters"]
    assert collector["exporters"]["otlp/jaeger"]["endpoint"].startswith("jaeger:")
