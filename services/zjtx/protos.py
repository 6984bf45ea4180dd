"""Generate the Python stubs of ``proto/`` and the events' AsyncAPI document (``generate``), or
check both are current (``check``)."""

from __future__ import annotations

import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

from grpc_tools import protoc

from zjtx.config import REPO_ROOT

PROTO_ROOT = REPO_ROOT / "proto"
PACKAGE = "zjtx_api"
OUTPUT_ROOT = REPO_ROOT / "services"
ASYNCAPI = "asyncapi.json"


def generate(output_root: Path) -> list[Path]:
    sources = sorted((PROTO_ROOT / PACKAGE).glob("*.proto"))
    include = Path(protoc.__file__).parent / "_proto"
    arguments = ["protoc", f"-I{PROTO_ROOT}", f"-I{include}", f"--python_out={output_root}",
                 f"--pyi_out={output_root}", f"--grpc_python_out={output_root}",
                 *[str(path) for path in sources]]
    if protoc.main(arguments) != 0:
        raise SystemExit("protoc failed; see the messages above")
    (output_root / PACKAGE / "__init__.py").write_text('"""Generated from proto/ by `make protos`; do not edit."""\n')
    # the events' contract for outside subscribers, from the same protos (zjtx.asyncapi)
    from zjtx import asyncapi

    (output_root / PACKAGE / ASYNCAPI).write_text(asyncapi.render(PROTO_ROOT), encoding="utf-8")
    return generated(output_root / PACKAGE)


def generated(directory: Path) -> list[Path]:
    return sorted([*directory.glob("*.py*"), *directory.glob(ASYNCAPI)])


def check() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        fresh = generate(Path(scratch))
        committed = OUTPUT_ROOT / PACKAGE
        stale = [f.name for f in fresh if not (committed / f.name).exists()
                 or not filecmp.cmp(f, committed / f.name, shallow=False)]
        extra = sorted({p.name for p in generated(committed)} - {f.name for f in fresh})
    if stale or extra:
        print(f"stubs or {ASYNCAPI} in services/{PACKAGE} are stale (differ: {stale}, not generated: {extra}); run `make protos`",
              file=sys.stderr)
        return 1
    print(f"stubs and {ASYNCAPI} in services/{PACKAGE} are current")
    return 0


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "generate"
    if command == "check":
        raise SystemExit(check())
    target = OUTPUT_ROOT / PACKAGE
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for path in generate(OUTPUT_ROOT):
        print(f"generated {path.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
