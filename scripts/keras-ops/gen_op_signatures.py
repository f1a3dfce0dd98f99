"""Writes src/layers/symbolic/keras-op-signatures.json: for each function of keras.ops, the
Operation class Keras records when it is called on symbolic tensors (what a functional model's
config names, e.g. `x + 3` is {"module": "keras.src.ops.numpy", "class_name": "Add"}), and how the
function's positional parameters split between that class's constructor (its config) and its
`call` (the node's args). Run with a Python that has Keras 3 installed:

    KERAS_BACKEND=numpy python scripts/keras-ops/gen_op_signatures.py
"""
import inspect
import json
import os
import re

import keras
from keras.src.ops.operation import Operation

MODULES = ["numpy", "nn", "core", "math", "linalg", "image"]


def squash(name):
    return name.replace("_", "").lower()


def params(fn, skip):
    out = []
    for p in inspect.signature(fn).parameters.values():
        if p.name in skip or p.kind in (p.VAR_KEYWORD,):
            continue
        out.append("*" + p.name if p.kind == p.VAR_POSITIONAL else p.name)
    return out


table = {}
for short in MODULES:
    module = __import__(f"keras.src.ops.{short}", fromlist=["x"])
    public = getattr(keras.ops, short, keras.ops) if short != "core" else keras.ops
    classes = {
        squash(name): cls
        for name, cls in vars(module).items()
        if inspect.isclass(cls) and issubclass(cls, Operation) and cls.__module__ == module.__name__
    }
    for name, fn in vars(module).items():
        if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
            continue
        if not hasattr(keras.ops, name) and not hasattr(public, name):
            continue
        cls = classes.get(squash(name))
        if cls is None:
            continue
        try:
            fn_params = params(fn, {"self"})
            init = params(cls.__init__, {"self", "name"})
            call = params(cls.call, {"self"})
        except (TypeError, ValueError):
            continue
        defaults = {}
        for p in inspect.signature(cls.__init__).parameters.values():
            if p.name in init and p.default is not p.empty:
                value = p.default
                defaults[p.name] = list(value) if isinstance(value, tuple) else value
        try:
            json.dumps(defaults)
        except TypeError:
            continue
        table[name] = {
            "module": module.__name__,
            "class_name": cls.__name__,
            "params": fn_params,
            "init": init,
            "defaults": defaults,
            "call": call,
        }

path = os.path.join(os.path.dirname(__file__), "../../src/layers/symbolic/keras-op-signatures.json")
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as f:
    json.dump({"keras_version": keras.__version__, "ops": dict(sorted(table.items()))}, f, indent=1)
    f.write("\n")
print(len(table), "ops")
