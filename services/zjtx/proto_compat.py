"""``buf lint`` and ``buf breaking`` on ``proto/`` (``python -m zjtx.proto_compat``; ``make check-buf``).

buf comes from the ``@bufbuild/buf`` npm package pinned in ``tools/buf`` (its own
package.json and lock file; ``npm ci`` there when it is missing or the lock changed).
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

BUF_PROJECT = REPO_ROOT / "tools" / "buf"
BUF = BUF_PROJECT / "node_modules" / ".bin" / "buf"
PROTO = REPO_ROOT / "proto"
ENVELOPE_MODULE = "services/zjtx/envelope.py"


class CompatError(RuntimeError):
    pass


def ensure_buf() -> Path:
    """The pinned buf, installed with ``npm ci`` from tools/buf's lock file when needed."""
    stamp = BUF_PROJECT / "node_modules" / ".zjtx-installed"
    lock = BUF_PROJECT / "package-lock.json"
    if not BUF.exists() or not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        if not shutil.which("npm"):
            raise CompatError("npm not found: install Node.js 20 and npm (buf comes from the @bufbuild/buf package)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=BUF_PROJECT, check=True)
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
                          env={**os.environ, "BUF_CACHE_DIR": str(BUF_PROJECT / "node_modules" / ".cache")})


def breaking(buf: Path, current: Path, against: Path) -> subprocess.CompletedProcess[str]:
    return run(buf, "breaking", str(current), "--against", str(against))


def check() -> int:
    try:
        buf = ensure_buf()
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
