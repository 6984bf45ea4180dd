"""``buf lint`` and ``buf breaking`` on ``proto/`` (``python -m zjtx.proto_compat``; ``make check-buf``).

buf comes from the ``@bufbuild/buf`` npm package pinned in ``tools/contract`` (its own
package.json and lock file, with ``@asyncapi/specs``, whose AsyncAPI 3.0 schema the tests
validate the events' document against; ``npm ci`` there when missing or the lock changed).
Its configuration is ``proto/buf.yaml``: the STANDARD lint rules less the ones whose fix
would break the wire or the stubs' users (the reasons are there), and the FILE breaking
rules.

The baseline ``buf breaking`` compares against is taken from git history, so a fresh
``git clone`` (full history) has it:

- the commit that set the current ``SCHEMA_VERSION`` (services/zjtx/envelope.py): within
  one schema version, every change must be compatible. A change that is meant to break
  raises the version in the same commit, which becomes the new baseline;
- or the last release tag (``v*``), when one exists after that commit.

For schema version "1" the first is the commit that first had ``proto/``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from zjtx.config import REPO_ROOT
from zjtx.envelope import SCHEMA_VERSION

TOOLS = REPO_ROOT / "tools" / "contract"
BUF = TOOLS / "node_modules" / ".bin" / "buf"
ASYNCAPI_SPEC = TOOLS / "node_modules" / "@asyncapi" / "specs" / "schemas" / "3.0.0.json"
PROTO = REPO_ROOT / "proto"
ENVELOPE_MODULE = "services/zjtx/envelope.py"


class CompatError(RuntimeError):
    pass


def ensure_tools() -> Path:
    """tools/contract's packages (``npm ci`` from its lock file when needed); returns the pinned buf."""
    stamp = TOOLS / "node_modules" / ".zjtx-installed"
    lock = TOOLS / "package-lock.json"
    if not BUF.exists() or not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        if not shutil.which("npm"):
            raise CompatError("npm not found: install Node.js 20 and npm (buf comes from the @bufbuild/buf package)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=TOOLS, check=True)
        stamp.touch()
    return BUF


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise CompatError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def baseline() -> tuple[str, str]:
    """(commit, why) of the protos that ``buf breaking`` compares against."""
    if git("rev-parse", "--is-shallow-repository") == "true":
        raise CompatError("this clone is shallow: the baseline is in the history (git fetch --unshallow)")
    line = f'SCHEMA_VERSION = "{SCHEMA_VERSION}"'
    # the oldest commit whose envelope module gained this exact line
    introduced = [c for c in git("log", "--format=%H", "-S", line, "--", ENVELOPE_MODULE).splitlines() if c]
    if not introduced:
        raise CompatError(f"no commit sets {line} in {ENVELOPE_MODULE}; commit it first")
    commit, why = introduced[-1], f"the commit that set schema version {SCHEMA_VERSION}"
    tags = [t for t in git("tag", "--list", "v*", "--sort=-creatordate").splitlines() if t]
    for tag in tags:
        tagged = git("rev-list", "-n", "1", tag)
        merged = subprocess.run(["git", "merge-base", "--is-ancestor", commit, tagged], cwd=REPO_ROOT).returncode == 0
        if merged:
            return tagged, f"release tag {tag}"
    return commit, why


def export_protos(commit: str, target: Path) -> Path:
    """``proto/`` as it was at ``commit``, in ``target``."""
    archive = subprocess.run(["git", "archive", commit, "proto"], cwd=REPO_ROOT, capture_output=True)
    if archive.returncode != 0:
        raise CompatError(f"git archive {commit} proto: {archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target / "proto"


def run(buf: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(buf), *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          env={**os.environ, "BUF_CACHE_DIR": str(TOOLS / "node_modules" / ".cache")})


def breaking(buf: Path, current: Path, against: Path) -> subprocess.CompletedProcess[str]:
    return run(buf, "breaking", str(current), "--against", str(against))


def check() -> int:
    try:
        buf = ensure_tools()
        lint = run(buf, "lint", str(PROTO))
        if lint.returncode != 0:
            print(f"buf lint failed:\n{lint.stdout}{lint.stderr}", file=sys.stderr)
            return 1
        commit, why = baseline()
        with tempfile.TemporaryDirectory() as scratch:
            against = export_protos(commit, Path(scratch))
            result = breaking(buf, PROTO, against)
    except CompatError as error:
        print(f"proto compatibility check could not run: {error}", file=sys.stderr)
        return 2
    if result.returncode != 0:
        print(f"buf breaking: proto/ is not compatible with {commit[:12]} ({why}):\n{result.stdout}{result.stderr}"
              f"Keep old fields (reserve a removed one's number and name), or, for a break on purpose, raise "
              f"SCHEMA_VERSION in {ENVELOPE_MODULE} in the same commit (docs/events.md).", file=sys.stderr)
        return 1
    print(f"buf lint: clean; buf breaking: compatible with {commit[:12]} ({why})")
    return 0


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    sys.exit(check())



if __name__ == "__main__":
    main()
