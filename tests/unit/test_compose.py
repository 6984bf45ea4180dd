"""docker-compose.yml cannot run here (no Docker engine), so it is checked against the code:
every service's command starts a real entrypoint, every environment key is one its config
reads, ports are the ones its config defaults to, and dependencies are declared."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from zjtx.config import REPO_ROOT, load_config
from zjtx.processes import SERVICES

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
CONFIG_VARIABLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)")
# read by the SDK, the launcher or the config loader rather than config.yaml
PROCESS_VARIABLES = {"PYTHONPATH", "OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL",
                     "OTEL_SERVICE_NAME", "ZJTX_INSTANCE", "ZJTX_CLOCK", "ZJTX_PKI_DIR"}
DEFAULT_PORTS = {"registration": 50051, "review": 50052, "notification": 50053, "reporting": 50054, "gateway": 8080}


def config_variables(service: str) -> set[str]:
    text = (REPO_ROOT / "services" / service / "config.yaml").read_text()
    for instance in (REPO_ROOT / "deploy" / "instances").glob("*.yaml"):
        text += instance.read_text()
    return set(CONFIG_VARIABLE.findall(text))


@pytest.mark.parametrize("service", [*SERVICES, "gateway"])
def test_service_is_declared_and_runs_its_entrypoint(service: str) -> None:
    declared = COMPOSE["services"][service]
    command = declared["command"]
    if service == "gateway":
        assert command == ["python", "-m", "gateway"]
        assert (REPO_ROOT / "services" / "gateway" / "__main__.py").exists()
    else:
        assert command == ["python", "-m", "zjtx.launch", service]


@pytest.mark.parametrize("service", [*SERVICES, "gateway"])
def test_environment_keys_are_read_by_the_service(service: str) -> None:
    environment = COMPOSE["services"][service]["environment"]
    unknown = set(environment) - config_variables(service) - PROCESS_VARIABLES
    assert not unknown, f"{service} is given variables its config never reads: {sorted(unknown)}"


def test_only_the_gateway_the_management_ui_and_jaeger_are_published() -> None:
    published = {name: declared["ports"] for name, declared in COMPOSE["services"].items() if declared.get("ports")}
    assert published == {"gateway": ["8080:8080"], "rabbitmq": ["15672:15672"], "jaeger": ["16686:16686"]}


@pytest.mark.parametrize("service", [*SERVICES, "gateway"])
def test_published_port_is_the_configured_default(service: str) -> None:
    port = DEFAULT_PORTS[service]
    key = "HTTP_PORT" if service == "gateway" else "GRPC_BIND_PORT"
    assert load_config(service, None, env={})[key] == port
    assert str(port) in COMPOSE["services"][service]["environment"].values()


@pytest.mark.parametrize("service", list(SERVICES))
def test_services_wait_for_broker_and_database(service: str) -> None:
    depends = COMPOSE["services"][service]["depends_on"]
    assert {"rabbitmq", "mongo"} <= set(depends)
    assert COMPOSE["services"][service]["environment"]["MONGO_URI"].startswith("mongodb://mongo:27017/")


def test_targets_point_at_declared_services_and_ports() -> None:
    for name, declared in COMPOSE["services"].items():
        for key, value in (declared.get("environment") or {}).items():
            if key.endswith("_TARGET"):
                host, port = value.split(":")
                assert host in COMPOSE["services"], f"{name}.{key} points at unknown service {host}"
                assert int(port) == DEFAULT_PORTS[host]


def test_collector_sends_to_jaeger() -> None:
    collector = yaml.safe_load(Path(REPO_ROOT / "deploy" / "otel" / "collector.yaml").read_text())
    assert "otlp/jaeger" in collector["service"]["pipelines"]["traces"]["exporters"]
    assert collector["exporters"]["otlp/jaeger"]["endpoint"].startswith("jaeger:")
