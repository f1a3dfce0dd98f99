"""PyTorch (CPU) runner for bench/apps.ts: issue 12's workloads (bench/lib/apps.ts), written as a
PyTorch user writes the same Keras architectures (torchvision is not installed here, and its
ResNet50 is the "v1.5" variant, so the models are defined below after Keras's source):

    /usr/bin/python3 bench/systems/torch_apps.py --app resnet50-b32 --task throughput|rss|export
        [--threads 2] [--warmup 1 --runs 3 --seconds 3] [--steps 3] --out f.json (or f.onnx)

- ResNet50: Keras's ResNet V1 (stride on the first 1×1 of a block, biases on every conv,
  BatchNormalization eps 1.001e-5), top Dense 1000 + softmax.
- VGG16 without its top (includeTop false) at 180×180: the 13 convolutions and 5 max pools.
- MobileNetV2 (alpha 1, 10 classes): Keras's 17 inverted residual blocks and 1280-wide last conv;
  stride-2 convolutions pad 1 on each side (Keras pads 0 before and 1 after: same shapes and
  FLOPs).
- keras.io's Transformer text classifier: token + position embedding (20000 × 32, 200 × 32),
  one block (Keras's MultiHeadAttention with 2 heads of key_dim 32, i.e. 64-wide projections
  and an output projection back to 32; LayerNormalization eps 1e-6; dropout 0.1; feed-forward
  32 relu → 32), mean over the sequence, dropout, Dense 20 relu, dropout, Dense 2.

Images are NCHW (PyTorch's layout). Training uses the fused CrossEntropyLoss on logits and Adam
with Keras's defaults (lr 1e-3, eps 1e-7); inference applies the softmax the Keras models end in.
`--task export` writes the inference model as ONNX (opset 13, dynamic batch) for onnx-apps.ts.
"""

import json
import math
import resource
import sys

import torch
from torch import nn
from torch.nn import functional as F

from torch_measure import log, memory_mib, parse_args, throughput

ARGS = parse_args(sys.argv[1:])
torch.set_num_threads(int(ARGS.get("threads", 2)))
torch.manual_seed(0)

TEXT = {"vocab": 20000, "maxlen": 200, "embed_dim": 32, "num_heads": 2, "ff_dim": 32}
APPS = {
    "resnet50-b1": ("infer", 1, (3, 224, 224)),
    "resnet50-b32": ("infer", 32, (3, 224, 224)),
    "vgg16-features": ("infer", 32, (3, 180, 180)),
    "mobilenetv2-train": ("train", 32, (3, 96, 96)),
    "transformer-train": ("train", 32, (TEXT["maxlen"],)),
    "transformer-infer": ("infer", 32, (TEXT["maxlen"],)),
}


def num(key, default):
    return float(ARGS[key]) if key in ARGS else default


# ------------------------------------------------------------------ ResNet50 (Keras's V1)


class Bottleneck(nn.Module):
    def __init__(self, cin, filters, stride, conv_shortcut):
        super().__init__()
        bn = lambda c: nn.BatchNorm2d(c, eps=1.001e-5)  # noqa: E731
        self.shortcut = (
            nn.Sequential(nn.Conv2d(cin, 4 * filters, 1, stride), bn(4 * filters)) if conv_shortcut else None
        )
        self.body = nn.Sequential(
            nn.Conv2d(cin, filters, 1, stride), bn(filters), nn.ReLU(inplace=True),
            nn.Conv2d(filters, filters, 3, padding=1), bn(filters), nn.ReLU(inplace=True),
            nn.Conv2d(filters, 4 * filters, 1), bn(4 * filters),
        )

    def forward(self, x):
        s = self.shortcut(x) if self.shortcut is not None else x
        return F.relu(s + self.body(x))


def resnet50():
    layers = [
        nn.Conv2d(3, 64, 7, 2, padding=3), nn.BatchNorm2d(64, eps=1.001e-5), nn.ReLU(inplace=True),
        nn.MaxPool2d(3, 2, padding=1),
    ]
    cin = 64
    for filters, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
        for b in range(blocks):
            layers.append(Bottleneck(cin, filters, stride if b == 0 else 1, b == 0))
            cin = 4 * filters
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, 1000)]
    return nn.Sequential(*layers)


# ------------------------------------------------------------------ VGG16 without its top


def vgg16_features():
    layers, cin = [], 3
    for filters, convs in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)):
        for _ in range(convs):
            layers += [nn.Conv2d(cin, filters, 3, padding=1), nn.ReLU(inplace=True)]
            cin = filters
        layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers)


# ------------------------------------------------------------------ MobileNetV2 (alpha 1)


def conv_bn(cin, cout, k, stride=1, groups=1, relu6=True):
    layers = [
        nn.Conv2d(cin, cout, k, stride, padding=k // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout, eps=1e-3, momentum=0.001),
    ]
    return layers + ([nn.ReLU6(inplace=True)] if relu6 else [])


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expansion):
        super().__init__()
        hidden = cin * expansion
        layers = conv_bn(cin, hidden, 1) if expansion != 1 else []
        layers += conv_bn(hidden, hidden, 3, stride, groups=hidden)
        layers += conv_bn(hidden, cout, 1, relu6=False)
        self.body = nn.Sequential(*layers)
        self.residual = cin == cout and stride == 1

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


def mobilenet_v2(classes):
    blocks = [(16, 1, 1)] + [(24, 2, 6), (24, 1, 6)] + [(32, 2, 6)] + [(32, 1, 6)] * 2
    blocks += [(64, 2, 6)] + [(64, 1, 6)] * 3 + [(96, 1, 6)] * 3 + [(160, 2, 6)] + [(160, 1, 6)] * 2
    blocks += [(320, 1, 6)]
    layers, cin = conv_bn(3, 32, 3, 2), 32
    for cout, stride, expansion in blocks:
        layers.append(InvertedResidual(cin, cout, stride, expansion))
        cin = cout
    layers += conv_bn(cin, 1280, 1) + [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1280, classes)]
    return nn.Sequential(*layers)


# ------------------------------------------------------------------ Transformer text classifier


class KerasMultiHeadAttention(nn.Module):
    """Keras's MultiHeadAttention(num_heads, key_dim) self-attention: per-head key_dim-wide
    projections of query, key and value, scaled dot-product softmax, an output projection."""

    def __init__(self, dim, num_heads, key_dim):
        super().__init__()
        self.h, self.d = num_heads, key_dim
        self.q = nn.Linear(dim, num_heads * key_dim)
        self.k = nn.Linear(dim, num_heads * key_dim)
        self.v = nn.Linear(dim, num_heads * key_dim)
        self.o = nn.Linear(num_heads * key_dim, dim)

    def forward(self, x):
        b, t = x.shape[0], x.shape[1]
        split = lambda y: y.reshape(b, t, self.h, self.d).transpose(1, 2)  # noqa: E731
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(self.d), dim=-1)
        return self.o((scores @ v).transpose(1, 2).reshape(b, t, self.h * self.d))


class TransformerBlock(nn.Module):
    def __init__(self, dim, num_heads, ff_dim, rate=0.1):
        super().__init__()
        self.att = KerasMultiHeadAttention(dim, num_heads, dim)
        self.ffn = nn.Sequential(nn.Linear(dim, ff_dim), nn.ReLU(), nn.Linear(ff_dim, dim))
        self.ln1, self.ln2 = nn.LayerNorm(dim, eps=1e-6), nn.LayerNorm(dim, eps=1e-6)
        self.drop1, self.drop2 = nn.Dropout(rate), nn.Dropout(rate)

    def forward(self, x):
        out1 = self.ln1(x + self.drop1(self.att(x)))
        return self.ln2(out1 + self.drop2(self.ffn(out1)))


class TextClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        d = TEXT["embed_dim"]
        self.token_emb = nn.Embedding(TEXT["vocab"], d)
        self.pos_emb = nn.Embedding(TEXT["maxlen"], d)
        self.block = TransformerBlock(d, TEXT["num_heads"], TEXT["ff_dim"])
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(d, 20), nn.ReLU(), nn.Dropout(0.1), nn.Linear(20, 2))

    def forward(self, x):
        positions = torch.arange(x.shape[-1], device=x.device)
        h = self.block(self.token_emb(x) + self.pos_emb(positions))
        return self.head(h.mean(dim=1))


# ------------------------------------------------------------------ running


def build(app):
    if app.startswith("resnet50"):
        return resnet50()
    if app == "vgg16-features":
        return vgg16_features()
    if app == "mobilenetv2-train":
        return mobilenet_v2(10)
    return TextClassifier()


class WithSoftmax(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return torch.softmax(self.model(x), dim=-1)


def inference_model(app, model):
    """What predict returns in Keras: probabilities, except for the headless VGG16's features."""
    return model if app == "vgg16-features" else WithSoftmax(model)


def batches(app, count):
    _, b, shape = APPS[app]
    g = torch.Generator().manual_seed(1)
    text = app.startswith("transformer")
    out = []
    for _ in range(count):
        x = torch.randint(0, TEXT["vocab"], (b, *shape), generator=g) if text else torch.rand(b, *shape, generator=g) * 255
        y = torch.randint(0, 2 if text else 10, (b,), generator=g)
        out.append((x, y))
    return out


def make_step(app, model, data):
    kind = APPS[app][0]
    if kind == "train":
        model.train()
        loss_fn = nn.CrossEntropyLoss()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)

        def train_step(i):
            x, y = data[i % len(data)]
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss.item()

        return train_step
    model.eval()
    infer = inference_model(app, model)

    def infer_step(i):
        with torch.no_grad():
            return infer(data[i % len(data)][0])

    return infer_step


def main():
    app = ARGS.get("app", "resnet50-b1")
    task = ARGS.get("task", "throughput")
    rss_at_start = memory_mib()["rssMiB"]
    model = build(app)
    if task == "export":
        model.eval()
        x = batches(app, 1)[0][0][:1]
        torch.onnx.export(
            inference_model(app, model), x, ARGS["out"], input_names=["x"], output_names=["y"],
            dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=13,
        )
        return
    step = make_step(app, model, batches(app, 1 if task == "rss" else 2))
    batch = APPS[app][1]
    if task == "rss":
        steps = int(num("steps", 3))
        for i in range(steps):
            step(i)
        result = {"steps": steps, "rssAtStartMiB": rss_at_start}
    else:
        log(f"torch {app}: {APPS[app][0]}")
        r = throughput(step, batch, int(num("warmup", 1)), int(num("runs", 3)), num("seconds", 3))
        log(f"torch {app}: {r['samplesPerSec']:.1f} samples/s")
        result = {"throughput": r}
    ru = resource.getrusage(resource.RUSAGE_SELF)
    result = {
        "system": "pytorch", "app": app, "threads": torch.get_num_threads(), "version": torch.__version__,
        "params": sum(p.numel() for p in model.parameters()), **result,
        "cpuSeconds": ru.ru_utime + ru.ru_stime, **memory_mib(),
    }
    text = json.dumps(result, indent=1)
    if ARGS.get("out"):
        with open(ARGS["out"], "w") as f:
            f.write(text)
    else:
        print(text)


main()
