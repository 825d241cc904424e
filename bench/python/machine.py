"""What the benchmark ran on, and how busy the machine was while it ran (other processes' CPU share)."""
import os
import platform
import re
import resource
import subprocess
import time


def describe(java):
    info = {}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        fields = dict(re.findall(r"^([^:]+):\s*(.*)$", lscpu, re.M))
        info["cpu"] = fields.get("Model name", "?")
        info["cores"] = f"{fields.get('CPU(s)', '?')} CPUs, {fields.get('Thread(s) per core', '?')} thread(s) per core"
        flags = fields.get("Flags", "").split()
        info["simd"] = " ".join(f for f in ("avx2", "fma", "avx512f") if f in flags) + \
            ("" if "avx512f" in flags else " (no avx512f)")
        info["caches"] = ", ".join(f"{k} {fields[k]}" for k in ("L1d cache", "L2 cache", "L3 cache") if k in fields)
        info["hypervisor"] = fields.get("Hypervisor vendor", "none")
    except (OSError, subprocess.SubprocessError):
        info["cpu"] = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            mhz = re.findall(r"cpu MHz\s*:\s*([\d.]+)", f.read())
        if mhz:
            info["cpu_mhz_reported"] = mhz[0]
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            kb = int(re.search(r"MemTotal:\s*(\d+)", f.read()).group(1))
        info["memory"] = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    info["kernel"] = platform.release()
    try:
        v = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr.splitlines()
        info["jdk"] = " / ".join(v[:2])
    except (OSError, subprocess.SubprocessError):
        info["jdk"] = "?"
    try:
        import torch
        info["torch"] = f"{torch.__version__} (Debian python3-torch 1.13.1; reports itself as 1.13.0a0)"
    except ImportError:
        info["torch"] = "not installed"
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    info["blas"] = blas + ("" if "openblas" in blas else "  <-- NOT OpenBLAS: PyTorch will be far slower")
    info["python"] = platform.python_version()
    return info


def _busy_seconds():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return (sum(v[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class Contention:
    """Measures, around a child process, how much of the machine other processes used (0 = quiet, 1 = all cores)."""

    def __enter__(self):
        self.t0, self.b0, self.c0 = time.monotonic(), _busy_seconds(), _children_cpu()
        return self

    def __exit__(self, *exc):
        wall = time.monotonic() - self.t0
        others = (_busy_seconds() - self.b0) - (_children_cpu() - self.c0)
        self.others = max(0.0, others / (wall * os.cpu_count())) if wall > 0 else 0.0
        return False


def others_share(seconds=1.0):
    b0, t0 = _busy_seconds(), time.monotonic()
    time.sleep(seconds)
    return (_busy_seconds() - b0) / ((time.monotonic() - t0) * os.cpu_count())


def wait_until_quiet(max_wait, threshold=0.15, log=print):
    """Waits (up to max_wait s) until other processes use less than `threshold` of the machine."""
    deadline = time.monotonic() + max_wait
    share = others_share()
    while share > threshold and time.monotonic() < deadline:
        share = others_share(2.0)
    if share > threshold:
        log(f"  note: the machine is busy ({share:.0%} used by other processes); timings will be low")
    return share
