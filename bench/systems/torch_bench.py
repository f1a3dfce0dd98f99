"""PyTorch (CPU) runner for `npm run bench`; mirrors bench/lib/measure.mjs step for step.

    /usr/bin/python3 bench/systems/torch_bench.py --task workload|matmul|rss [--workload W1]
        [--threads 2] [--warmup 5 --runs 3 --seconds 2] [--steps 100] --out f.json

The models are what a PyTorch user writes for the same Keras definitions: the last layer emits
logits and training uses the fused losses (CrossEntropyLoss = log-softmax + NLL, BCEWithLogitsLoss);
inference applies softmax / sigmoid so it returns the same probabilities as the Keras models.
RMSprop with Keras's defaults (lr 1e-3, rho 0.9, eps 1e-7). W2 takes NCHW, PyTorch's native layout.
"""

import json
import resource
import sys
import time

import torch
from torch import nn

from torch_measure import log, median, memory_mib, parse_args, throughput

WORKLOADS = {"W1": 128, "W2": 64, "W3": 128}
POOL = 4

ARGS = parse_args(sys.argv[1:])
THREADS = int(ARGS.get("threads", 2))
torch.set_num_threads(THREADS)
torch.manual_seed(0)


def num(key, default):
    return float(ARGS[key]) if key in ARGS else default


class LastStep(nn.Module):
    """LSTM(32) returning the last hidden state, like Keras's LSTM(return_sequences=False)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(32, 32, batch_first=True)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return h[-1]


def build(w):
    if w == "W1":
        model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))
    elif w == "W2":
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 128, 3), nn.ReLU(), nn.Flatten(), nn.Linear(1152, 10),
        )
    else:
        model = nn.Sequential(nn.Embedding(10000, 32), LastStep(), nn.Linear(32, 1))
    loss = nn.BCEWithLogitsLoss() if w == "W3" else nn.CrossEntropyLoss()
    opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    head = torch.sigmoid if w == "W3" else (lambda z: torch.softmax(z, dim=-1))
    return model, loss, opt, head


def batches(w):
    b = WORKLOADS[w]
    g = torch.Generator().manual_seed(1)
    out = []
    for _ in range(POOL):
        if w == "W3":
            x = torch.randint(0, 10000, (b, 200), generator=g)
            y = (torch.rand(b, 1, generator=g) < 0.5).float()
        else:
            x = torch.rand(b, 784, generator=g) if w == "W1" else torch.rand(b, 1, 28, 28, generator=g)
            y = torch.randint(0, 10, (b,), generator=g)
        out.append((x, y))
    return out


def train_step_fn(model, loss_fn, opt, data):
    def step(i):
        x, y = data[i % len(data)]
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()  # Keras's train_on_batch returns the loss too

    return step


def run_workload(w):
    batch = WORKLOADS[w]
    model, loss_fn, opt, head = build(w)
    data = batches(w)
    opts = dict(batch=batch, warmup=int(num("warmup", 5)), runs=int(num("runs", 3)), seconds=num("seconds", 2))
    log(f"torch {w}: training")
    model.train()
    step = train_step_fn(model, loss_fn, opt, data)
    train = throughput(step, **opts)
    final_loss = step(0)
    log(f"torch {w}: {train['samplesPerSec']:.0f} samples/s training; inference")
    model.eval()

    def infer(i):
        with torch.no_grad():
            return head(model(data[i % len(data)][0]))

    inference = throughput(infer, **opts)
    log(f"torch {w}: {inference['samplesPerSec']:.0f} samples/s inference")
    return {"train": train, "infer": inference, "finalLoss": final_loss}


def run_matmul():
    res = {}
    for n in (256, 1024):
        a, b = torch.randn(n, n), torch.randn(n, n)
        c = torch.mm(a, b)
        ref = (a[0:1].double() @ b[:, :4].double())[0]
        if not torch.allclose(c[0, :4].double(), ref, rtol=1e-3, atol=1e-3):
            raise RuntimeError(f"matmul {n} gave wrong values")
        for _ in range(3):
            torch.mm(a, b)
        t0 = time.perf_counter()
        torch.mm(a, b)
        per = max(1, int(0.2 / max(time.perf_counter() - t0, 1e-6)) + 1)
        rates, start = [], time.perf_counter()
        while len(rates) < 3 or time.perf_counter() - start < num("seconds", 2):
            t = time.perf_counter()
            for _ in range(per):
                torch.mm(a, b)
            rates.append(2 * n**3 * per / ((time.perf_counter() - t) * 1e9))
        res[str(n)] = {"gflops": median(rates), "runs": len(rates), "callsPerRun": per}
        log(f"torch matmul {n}: {res[str(n)]['gflops']:.1f} GFLOP/s")
    return res


def run_rss():
    before = memory_mib()
    model, loss_fn, opt, _ = build("W1")
    step = train_step_fn(model, loss_fn, opt, batches("W1"))
    steps = int(num("steps", 100))
    for i in range(steps):
        step(i)
    return {"steps": steps, "rssAtStartMiB": before["rssMiB"]}


task = ARGS.get("task", "workload")
if task == "matmul":
    result = {"matmul": run_matmul()}
elif task == "rss":
    result = run_rss()
else:
    result = run_workload(ARGS.get("workload", "W1"))
ru = resource.getrusage(resource.RUSAGE_SELF)
result = {"system": "pytorch", "threads": torch.get_num_threads(), "version": torch.__version__, **result,
          "cpuSeconds": ru.ru_utime + ru.ru_stime, **memory_mib()}
text = json.dumps(result, indent=1)
if ARGS.get("out"):
    with open(ARGS["out"], "w") as f:
        f.write(text)
else:
    print(text)
