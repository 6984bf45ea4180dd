"""Where the surge's time goes: py-spy samples every service process and the database
server while a small surge runs, and prints each process's hottest functions.

    pip install py-spy        # a profiler, not a dependency of the suite
    PYTHONPATH=services .venv/bin/python tests/bench/profile_surge.py [--n 200] [--phase submit|prepare]

py-spy needs ptrace rights over the processes (root, or kernel.yama.ptrace_scope=0).
"""

from __future__ import annotations

import argparse
import collections
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402, F401 - import paths

from harness import surge  # noqa: E402
from reliability.rig import start_rig  # noqa: E402


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise SystemExit("py-spy is not installed: pip install py-spy (or put it on PATH)")
    return found


def start_sampling(pids: dict[str, int], out: Path, seconds: int, gil: bool = False
                   ) -> dict[str, subprocess.Popen[bytes]]:
    # --gil keeps only the thread holding the GIL: the process's Python CPU, without the threads
    # that wait on a lock or a socket (which py-spy otherwise counts as busy).
    return {name: subprocess.Popen([py_spy(), "record", "--pid", str(pid), "--format", "raw", "--rate", "200",
                                    "--duration", str(seconds), "--nonblocking", *(["--gil"] if gil else []),
                                    "--output", str(out / f"{name}.txt")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for name, pid in pids.items()}


def summarise(path: Path, top: int = 12) -> list[str]:
    """Self and inclusive share of samples per function from py-spy's collapsed stacks."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        frames = [f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0].split("/")[-1] + ")"
                  if " (" in f else f for f in stack.split(";")]
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    lines = [f"    {total} samples; self: " + ", ".join(f"{f} {c / total:.0%}" for f, c in own.most_common(top))]
    interesting = [(f, c) for f, c in inclusive.most_common(200)
                   if not any(x in f for x in ("<module>", "run (", "main (", "greenlet", "switch", "_bootstrap"))]
    lines.append("    inclusive: " + ", ".join(f"{f} {c / total:.0%}" for f, c in interesting[:top * 2]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--phase", default="submit", choices=("submit", "prepare"))
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--keep", help="directory to keep the raw profiles in")
    parser.add_argument("--gil", action="store_true", help="sample only the thread holding the GIL (CPU, not waits)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zjtx-profile-") as scratch:
        out = Path(args.keep or scratch)
        out.mkdir(parents=True, exist_ok=True)
        rig = start_rig(Path(scratch) / "rig", [])
        try:
            pids = {**rig.pids(), "database": rig.db_server.pid or 0}
            if args.phase == "prepare":
                samplers = start_sampling(pids, out, 60, args.gil)
                started = time.monotonic()
                drafts = surge.prepare_drafts(rig.targets["registration"], args.n, clients=8)
                print(f"prepared {len(drafts)} in {time.monotonic() - started:.0f}s")
            else:
                drafts = surge.prepare_drafts(rig.targets["registration"], args.n, clients=8)
                samplers = start_sampling(pids, out, 60, args.gil)
                started = time.monotonic()
                submissions = surge.submit_all(rig.targets["registration"], drafts, clients=args.clients)
                print(f"submitted {sum(1 for s in submissions if s.accepted)} in {time.monotonic() - started:.0f}s")
                time.sleep(5)  # the events' handlers are still running
            for sampler in samplers.values():
                sampler.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
            for sampler in samplers.values():
                sampler.wait(30)
        finally:
            rig.close()
        for name in pids:
            path = out / f"{name}.txt"
            if path.exists() and path.stat().st_size:
                print(f"  {name}")
                for line in summarise(path):
                    print(line)


if __name__ == "__main__":
    main()
