"""What every benchmark prints first: the machine it ran on."""

from __future__ import annotations

import os
import platform
import resource


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next(
                line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    with open("/proc/meminfo", encoding="utf-8") as fh:
        mem_kib = int(fh.readline().split()[1])
    return (
        f"{platform.node()} · {cpu} · {os.cpu_count()} cores · {mem_kib / 2**20:.1f} GiB · "
        f"Python {platform.python_version()}"
    )


def peak_rss_mib() -> float:
    """Peak resident memory of this program so far, in MiB.

    /proc's VmHWM belongs to the running program only; getrusage's maxrss survives
    exec, so a benchmark started from another would report its parent's peak.
    """
    try:
        with open("/proc/self/status", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
