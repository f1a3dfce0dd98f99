"""PyTorch (CPU) runner for `npm run bench`; mirrors bench/lib/measure.mjs step for step.

    /usr/bin/python3 bench/systems/torch_bench.py --task workload|matmul|rss|export [--workload W1]
        [--threads 2] [--warmup 5 --runs 3 --seconds 2] [--latency 1] [--steps 100] --out f.json

`--latency 1` also measures inference at batch 1 (`infer1`: samples/s, stepMs = ms per sample).
`--task export --workload W --dir DIR` writes the inference model (the network plus its softmax /
sigmoid) as DIR/W.onnx (opset 13, dynamic batch; W3's LSTM as one ONNX LSTM op) and
DIR/W.check.json: the first synthetic batch and PyTorch's output for it, so that the
onnxruntime-node runner (systems/onnx.ts) checks it computes the same function, same weights.

The models are what a PyTorch user writes for the same Keras definitions: the last layer emits
logits and training uses the fused losses (CrossEntropyLoss = log-softmax + NLL, BCEWithLogitsLoss);
inference applies softmax / sigmoid so it returns the same probabilities as the Keras models.
RMSprop with Keras's defaults (lr 1e-3, rho 0.9, eps 1e-7). W2 takes NCHW, PyTorch's native layout.
"""

import json
import os
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


def batches(w, b=None):
    b = b or WORKLOADS[w]
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
    result = {"train": train, "infer": inference, "finalLoss": final_loss}
    if ARGS.get("latency") == "1":
        result["infer1"] = run_latency(w, model, head, opts)
    return result


def run_latency(w, model, head, opts):
    """Inference at batch 1 (latency): the same runs, ten times the warm-up steps (each is short),
    as latencyOptions in bench/lib/measure.mjs."""
    data = batches(w, 1)

    def infer(i):
        with torch.no_grad():
            return head(model(data[i % len(data)][0]))

    r = throughput(infer, **{**opts, "batch": 1, "warmup": 10 * opts["warmup"]})
    log(f"torch {w}: {r['samplesPerSec']:.0f} samples/s inference at batch 1 ({r['stepMs']:.3f} ms)")
    return r


class Predict(nn.Module):
    """What Keras's predict returns: the network followed by its softmax / sigmoid."""

    def __init__(self, model, head):
        super().__init__()
        self.model = model
        self.head = head

    def forward(self, x):
        return self.head(self.model(x))


def run_export(w, out_dir):
    model, _, _, head = build(w)
    model.eval()
    predict = Predict(model, head).eval()
    x, _ = batches(w)[0]
    path = os.path.join(out_dir, f"{w}.onnx")
    torch.onnx.export(
        predict, x[:1], path, input_names=["x"], output_names=["y"],
        dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=13,
    )
    # A NodeProto's op_type is its field 4, a length-delimited string: tag 0x22, length 4, "LSTM".
    if w == "W3" and b"\x22\x04LSTM" not in open(path, "rb").read():
        raise RuntimeError("W3 did not export its LSTM as an ONNX LSTM op")
    with torch.no_grad():
        y = predict(x)
    check = {
        "workload": w, "xShape": list(x.shape), "xDtype": "int64" if w == "W3" else "float32",
        "x": x.flatten().tolist(), "yShape": list(y.shape), "y": y.flatten().tolist(),
    }
    with open(os.path.join(out_dir, f"{w}.check.json"), "w") as f:
        json.dump(check, f)
    log(f"torch {w}: exported {path}")
    return {"onnx": path, "bytes": os.path.getsize(path)}


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
elif task == "export":
    result = run_export(ARGS.get("workload", "W1"), ARGS["dir"])
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
