"""Prints GFLOP/s of the JMH kernel benchmarks against the machine's FMA peak.

usage: jmh_report.py RESULT.json... (JMH's -rf json files). Standard library only.
Peak: 2 FMA pipes x L float lanes x 2 flops per cycle per core, L = 16 where /proc/cpuinfo lists avx512f (the Vector
API then prefers 512-bit vectors), else 8 (AVX2); the measured FMA loop gives what Java reaches and, divided by
the flops per cycle, the clock it ran at.
"""
import json
import os
import re
import sys


def _num(v):
    try:
        return float(v)  # JMH writes "NaN" (a string) for the error of fewer than 3 iterations
    except (TypeError, ValueError):
        return float("nan")


def gflops(entry):
    m = entry.get("secondaryMetrics", {}).get("flops")
    return (_num(m["score"]) / 1e9, _num(m["scoreError"]) / 1e9) if m else (None, None)


def main(paths):
    entries = []
    for p in paths:
        with open(p) as f:
            entries += json.load(f)
    peak1 = peak2 = None
    for e in entries:
        if e["benchmark"].endswith("PeakFmaBenchmark.fma"):
            g, _ = gflops(e)
            if e["threads"] == 1:
                peak1 = g
            else:
                peak2 = g
    mhz = None
    lanes = 8
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
        mhz = float(re.findall(r"cpu MHz\s*:\s*([\d.]+)", info)[0])
        if re.search(r"^flags\s*:.*\bavx512f\b", info, re.M):
            lanes = 16
    except (OSError, IndexError):
        pass
    per_cycle = 2 * lanes * 2
    cores = os.cpu_count()
    print(f"Peak (float32, FMA = 2 flops, 2 FMA pipes x {lanes} lanes = {per_cycle} flop/cycle/core):")
    if mhz:
        print(f"  theoretical at the reported {mhz:.0f} MHz: {per_cycle * mhz / 1e3:.1f} GFLOP/s per core, "
              f"{per_cycle * mhz / 1e3 * cores:.1f} on {cores} cores (a VM's reported clock may be the base, not the boost)")
    if peak1:
        print(f"  measured Java FMA loop, 1 thread: {peak1:.1f} GFLOP/s (=> effective clock {peak1 / per_cycle:.2f} GHz)")
    if peak2:
        print(f"  measured Java FMA loop, {cores} threads: {peak2:.1f} GFLOP/s")
    theory = per_cycle * mhz / 1e3 * cores if mhz else None
    if peak1 and mhz and peak1 / per_cycle < 0.8 * mhz / 1e3:
        print(f"  warning: the FMA loop ran at an effective {peak1 / per_cycle:.2f} GHz, below the reported clock: "
              "other processes were using the cores, so every figure here is low")
    print()
    print("| kernel | shape rows x in -> out | calls/s | GFLOP/s | % of measured FMA peak (2 threads) | "
          "% of 2-core peak at reported clock |")
    print("|---|---|---:|---:|---:|---:|")
    for e in entries:
        if not e["benchmark"].endswith("LinearBenchmark.linear"):
            continue
        g, err = gflops(e)
        p = e["params"]
        r, i, o = p["shape"].split("x")
        pct = f"{100 * g / peak2:.0f}%" if g and peak2 else "—"
        pct_t = f"{100 * g / theory:.0f}%" if g and theory else "—"
        gtxt = f"{g:.1f}" if err != err else f"{g:.1f} ± {err:.1f}"  # err != err: NaN
        print(f"| {p['kernel']} | {r} x {i} -> {o} | {e['primaryMetric']['score']:.2f} | {gtxt} | {pct} | {pct_t} |")


if __name__ == "__main__":
    main(sys.argv[1:])
