"""The measurement protocol of bench/lib/measure.mjs in Python, shared by the PyTorch runners
(torch_bench.py for W1–W3, torch_apps.py for issue 12's workloads)."""

import sys
import time


def parse_args(argv):
    return {argv[i][2:]: argv[i + 1] for i in range(0, len(argv), 2)}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def median(xs):
    s = sorted(xs)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def throughput(step, batch, warmup, runs, seconds, min_steps=1):
    i = 0
    for _ in range(warmup):
        step(i)
        i += 1
    per_run, total = [], 0
    for _ in range(runs):
        n, t0, dt = 0, time.perf_counter(), 0.0
        while n < min_steps or dt < seconds:
            step(i)
            i += 1
            n += 1
            dt = time.perf_counter() - t0
        per_run.append(n * batch / dt)
        total += n
    sps = median(per_run)
    return {"samplesPerSec": sps, "stepMs": batch / sps * 1000, "runs": per_run, "steps": total, "warmup": warmup}


def memory_mib():
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmHWM", "VmRSS"):
                fields[k] = int(v.split()[0]) / 1024
    return {"peakRssMiB": fields["VmHWM"], "rssMiB": fields["VmRSS"]}
