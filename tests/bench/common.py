"""Shared pieces of the benchmarks: import paths, the OS's accounting of a process
(CPU time, peak memory), percentiles, and table formatting."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for _path in (ROOT, ROOT / "services", ROOT / "tests"):  # ROOT: demo.sinks (the e-mail and SMS sinks)
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Usage:
    """One process as the kernel counts it: CPU seconds (user + system) and peak RSS."""

    cpu_seconds: float
    peak_mib: float
    rss_mib: float


def usage(pid: int) -> Usage:
    """utime + stime from /proc/<pid>/stat, VmHWM and VmRSS from /proc/<pid>/status."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        # the command name (field 2) may hold spaces: split after its closing parenthesis
        fields = handle.read().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    peak = rss = 0.0
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
            elif line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
    return Usage((utime + stime) / CLOCK_TICKS, peak, rss)


def broker_pid() -> int | None:
    """The local RabbitMQ node's Erlang VM, whose CPU is part of what a chain of events costs;
    None when the broker runs elsewhere or cannot be seen (then it is simply not counted)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() == "beam.smp" and \
                    b"-s rabbit boot" in (entry / "cmdline").read_bytes().replace(b"\0", b" "):
                return int(entry.name)
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return None


def usages(pids: dict[str, int]) -> dict[str, Usage]:
    found = {}
    for name, pid in pids.items():
        try:
            found[name] = usage(pid)
        except (FileNotFoundError, ProcessLookupError):
            pass  # gone: it is simply not counted
    return found


def cpu_delta(before: dict[str, Usage], after: dict[str, Usage]) -> dict[str, float]:
    """CPU seconds each process spent between two readings (a process gone meanwhile: left out)."""
    return {name: after[name].cpu_seconds - before[name].cpu_seconds for name in after if name in before}


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (the value below which ``fraction`` of the samples lie)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(round(fraction * len(ordered) + 0.5))))
    return ordered[rank - 1]


def spread(values: list[float]) -> str:
    """p50 / p95 / p99 / max in milliseconds, or '-' when nothing was measured."""
    if not values:
        return "-"
    return " / ".join(f"{percentile(values, p) * 1000:,.0f}" for p in (0.5, 0.95, 0.99)) + \
        f" / {max(values) * 1000:,.0f}"


def machine() -> dict[str, str]:
    """What the figures came from: CPUs, model, memory, versions."""
    import platform
    import subprocess

    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="ascii") as handle:
        total_kib = int(handle.readline().split()[1])
    try:
        rabbit = subprocess.run(["rabbitmqctl", "version"], capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        rabbit = "?"
    from importlib.metadata import version

    def v(name: str) -> str:
        try:
            return version(name)
        except Exception:
            return "?"

    return {
        "cpus": str(os.cpu_count()), "model": model, "memory": f"{total_kib / 2**20:.1f} GiB",
        "python": platform.python_version(), "kernel": platform.release(), "rabbitmq": rabbit or "?",
        "secantusdb": v("SecantusDB"), "nameko": v("nameko"), "nameko-grpc": v("nameko-grpc"),
        "grpcio": v("grpcio"), "kombu": v("kombu"), "pymongo": v("pymongo"),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
