"""Exports bench/serve.ts's MNIST models to ONNX with PyTorch (torch.onnx.export), holding the
weights Strata's models were given, so both servers compute the same function.

Usage: python3 export_onnx.py WEIGHTS.json OUT.onnx
WEIGHTS.json: {"model": "mlp" | "convnet", "weights": [{"shape": [...], "data": [...]}, ...]}
in Keras's order (kernel, bias per layer); inputs are channels-last as in Keras."""
import json
import sys

import torch
from torch import nn


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.d1 = nn.Linear(784, 512)
        self.d2 = nn.Linear(512, 10)

    def forward(self, x):
        return torch.softmax(self.d2(torch.relu(self.d1(x))), dim=-1)


class Convnet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3)
        self.c2 = nn.Conv2d(32, 64, 3)
        self.c3 = nn.Conv2d(64, 128, 3)
        self.d = nn.Linear(3 * 3 * 128, 10)

    def forward(self, x):
        x = x.permute(0, 3, 1, 2)  # NHWC → NCHW
        x = nn.functional.max_pool2d(torch.relu(self.c1(x)), 2)
        x = nn.functional.max_pool2d(torch.relu(self.c2(x)), 2)
        x = torch.relu(self.c3(x))
        x = x.permute(0, 2, 3, 1).flatten(1)  # Keras flattens channels-last
        return torch.softmax(self.d(x), dim=-1)


def tensor(w):
    return torch.tensor(w["data"], dtype=torch.float32).reshape(w["shape"])


def main():
    spec = json.load(open(sys.argv[1]))
    ws = [tensor(w) for w in spec["weights"]]
    if spec["model"] == "mlp":
        model, example = Mlp(), torch.zeros(1, 784)
        layers = [model.d1, model.d2]
    else:
        model, example = Convnet(), torch.zeros(1, 28, 28, 1)
        layers = [model.c1, model.c2, model.c3, model.d]
    with torch.no_grad():
        for layer, (kernel, bias) in zip(layers, zip(ws[0::2], ws[1::2])):
            if isinstance(layer, nn.Linear):
                layer.weight.copy_(kernel.T)  # Keras (in, out) → torch (out, in)
            else:
                layer.weight.copy_(kernel.permute(3, 2, 0, 1))  # HWIO → OIHW
            layer.bias.copy_(bias)
    model.eval()
    torch.onnx.export(
        model, example, sys.argv[2], input_names=["x"], output_names=["y"],
        dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=13,
    )


main()
