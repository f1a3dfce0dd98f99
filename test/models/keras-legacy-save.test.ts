// Writing Keras's legacy HDF5 model file (model.save("….h5")): read back by Strata's loader
// (same config, same predictions), read by h5py (libhdf5) against the weights written, and,
// where a Keras 3 virtualenv exists at /tmp/kvenv, loaded by keras.models.load_model.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { ValueError } from "../../src/errors.js";
import { h5pyPython, skipWithoutH5py } from "../io/h5py.js";
import { inTempDir } from "../keras-fixtures.js";

const KERAS_PYTHON = "/tmp/kvenv/bin/python";
const skipWithoutKeras = existsSync(KERAS_PYTHON)
  ? false
  : `no Keras 3 virtualenv at ${KERAS_PYTHON} (not installed in CI)`;

const values = (t: st.Tensor) => Array.from(t.dataSync(), Number);

/**
 * A compiled Sequential with BatchNormalization (moving statistics: non-trainable weights). The
 * loss is spelled out: Keras 3.15 cannot load its own legacy file compiled with "mse".
 */
async function sequentialModel() {
  st.random.setSeed(7);
  const model = new st.Sequential([
    st.Input({ shape: [3] }),
    new st.layers.Dense(4, { activation: "relu" }),
    new st.layers.BatchNormalization(),
    new st.layers.Dense(2),
  ]);
  model.compile({
    optimizer: new st.optimizers.Adam({ learningRate: 0.01 }),
    loss: "mean_squared_error",
  });
  const x = st.random.normal([8, 3], { seed: 11 });
  await model.fit(x, st.random.normal([8, 2], { seed: 12 }), { epochs: 2, verbose: 0 });
  return { model, inputs: [x] };
}

/** An uncompiled functional model with two inputs. */
function functionalModel() {
  st.random.setSeed(8);
  const a = st.Input({ shape: [3], name: "a" });
  const b = st.Input({ shape: [2], name: "b" });
  const h = new st.layers.Dense(3, { activation: "tanh", name: "ha" }).apply(a);
  const merged = new st.layers.Concatenate({ name: "cat" }).apply([h, b]);
  const model = new st.Model([a, b], new st.layers.Dense(1, { name: "out" }).apply(merged));
  const inputs = [st.random.normal([5, 3], { seed: 13 }), st.random.normal([5, 2], { seed: 14 })];
  return { model, inputs };
}

/** A functional model wrapping a Sequential: a nested model's config and weights. */
function nestedModel() {
  st.random.setSeed(9);
  const inner = new st.Sequential(
    [st.Input({ shape: [3] }), new st.layers.Dense(4, { activation: "relu" })],
    { name: "inner" },
  );
  const a = st.Input({ shape: [3] });
  const model = new st.Model(a, new st.layers.Dense(1, { name: "head" }).apply(inner.apply(a)));
  return { model, inputs: [st.random.normal([4, 3], { seed: 15 })] };
}

const predict = async (model: st.Model, inputs: st.Tensor[]) =>
  values(
    (await model.predict(inputs.length === 1 ? inputs[0]! : inputs, { verbose: 0 })) as st.Tensor,
  );

function assertClose(actual: number[], expected: number[], tol: number, what: string) {
  assert.equal(actual.length, expected.length, what);
  const err = Math.max(0, ...actual.map((v, i) => Math.abs(v - expected[i]!)));
  assert.ok(err <= tol, `${what}: max abs error ${err} > ${tol}`);
}

/** Saves `model` to `dir/name.h5`, capturing console.warn. */
async function saveH5(model: st.Model, dir: string, name: string) {
  const path = join(dir, `${name}.h5`);
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
  try {
    await model.save(path);
  } finally {
    console.warn = warn;
  }
  return { path, warnings };
}

// Reads the file with h5py, decoding attributes as Keras's legacy loader does.
const H5PY_READ = `
import sys, json, h5py
def text(v):
    return v.decode("utf8") if hasattr(v, "decode") else str(v)
def names(g, key):
    v = g.attrs[key]
    return [] if getattr(v, "dtype", None) is not None and v.dtype.kind == "f" else [text(x) for x in v]
with h5py.File(sys.argv[1], "r") as f:
    out = {"root": {k: text(f.attrs[k]) for k in f.attrs}, "layers": {}}
    mw = f["model_weights"]
    out["model_weights"] = {"layer_names": names(mw, "layer_names"),
        "backend": text(mw.attrs["backend"]), "keras_version": text(mw.attrs["keras_version"])}
    for name in out["model_weights"]["layer_names"] + ["top_level_model_weights"]:
        wn = names(mw[name], "weight_names")
        out["layers"][name] = [[w, mw[name][w][()].ravel().tolist()] for w in wn]
    if "optimizer_weights" in f:
        g = f["optimizer_weights"]
        out["optimizer"] = [[w, g[w][()].ravel().tolist()] for w in names(g, "weight_names")]
json.dump(out, sys.stdout)
`;

interface H5pyView {
  root: Record<string, string>;
  model_weights: { layer_names: string[]; backend: string; keras_version: string };
  layers: Record<string, [string, number[]][]>;
  optimizer?: [string, number[]][];
}

function readWithH5py(path: string): H5pyView {
  const r = spawnSync(h5pyPython!, ["-c", H5PY_READ, path], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as H5pyView;
}

// Loads the file with Keras and predicts on the inputs given as JSON [[values, shape], …].
const KERAS_PREDICT = `
import os, sys, json
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np, keras
model = keras.models.load_model(sys.argv[1])
xs = [np.asarray(v, dtype="float32").reshape(s) for v, s in json.load(open(sys.argv[2]))]
y = model.predict(xs[0] if len(xs) == 1 else xs, verbose=0)
opt = getattr(model, "optimizer", None)
json.dump({"y": np.asarray(y).ravel().tolist(),
           "optimizer": type(opt).__name__ if opt is not None else None}, sys.stdout)
`;

const cases = [
  { name: "sequential with BatchNormalization", make: sequentialModel },
  { name: "functional with two inputs", make: async () => functionalModel() },
  { name: "functional wrapping a Sequential", make: async () => nestedModel() },
];

describe("model.save to Keras's legacy .h5", () => {
  for (const { name, make } of cases) {
    it(`${name}: loadModel gives back the config, the weights and the predictions`, async () => {
      await inTempDir(async (dir) => {
        const { model, inputs } = await make();
        const { path, warnings } = await saveH5(model, dir, "m");
        assert.equal(warnings.length, 1);
        assert.match(warnings[0]!, /HDF5 file .* This file format is considered legacy/);
        const loaded = await st.models.loadModel(path);
        assert.deepEqual(loaded.getConfig(), model.getConfig());
        assert.deepEqual(
          loaded.weights.map((v) => values(v.value)),
          model.weights.map((v) => values(v.value)),
        );
        assertClose(await predict(loaded, inputs), await predict(model, inputs), 0, "predictions");
        assert.equal(loaded.compiled !== null, model.compiled !== null);
        if (model.compiled) {
          assert.deepEqual(
            loaded.compiled!.optimizer.variables.map((v) => values(v.value)),
            model.compiled.optimizer.variables.map((v) => values(v.value)),
          );
        }
      });
    });

    it(
      `${name}: h5py reads Keras's attributes and the weights written`,
      {
        skip: skipWithoutH5py,
      },
      async () => {
        await inTempDir(async (dir) => {
          const { model } = await make();
          const { path } = await saveH5(model, dir, "m");
          const seen = readWithH5py(path);
          assert.deepEqual(Object.keys(seen.root).sort(), [
            "backend",
            "keras_version",
            "model_config",
            ...(model.compiled ? ["training_config"] : []),
          ]);
          const config = JSON.parse(seen.root.model_config!) as Record<string, unknown>;
          assert.deepEqual(Object.keys(config), ["class_name", "config"]);
          const isSeq = model instanceof st.Sequential;
          assert.equal(config.class_name, isSeq ? "Sequential" : "Functional");
          const layerEntries = (config.config as { layers: Record<string, unknown>[] }).layers;
          for (const entry of layerEntries) {
            assert.ok(!("module" in entry) && !("build_config" in entry), "legacy layer entries");
          }
          assert.deepEqual(
            seen.model_weights.layer_names,
            model.layers.map((l) => l.name),
          );
          assert.equal(seen.model_weights.keras_version, seen.root.keras_version);
          for (const layer of model.layers) {
            const vars = [...layer.trainableWeights, ...layer.nonTrainableWeights];
            const stored = seen.layers[layer.name]!;
            assert.deepEqual(
              stored.map(([n]) => n),
              vars.map((v) => (isSeq ? `${model.name}/${v.name}` : v.name)),
            );
            stored.forEach(([, data], i) => assert.deepEqual(data, values(vars[i]!.value)));
          }
          assert.deepEqual(seen.layers.top_level_model_weights, []);
          if (model.compiled) {
            const training = JSON.parse(seen.root.training_config!) as Record<string, unknown>;
            assert.equal(training.loss, "mean_squared_error");
            const opt = training.optimizer_config as { class_name: string; config: object };
            assert.equal(opt.class_name, "Adam");
            assert.ok(!("optimizer" in training));
            const vars = model.compiled.optimizer.variables;
            assert.deepEqual(
              seen.optimizer!.map(([n]) => n),
              vars.map((v) => v.name),
            );
            seen.optimizer!.forEach(([, data], i) =>
              assert.deepEqual(data, values(vars[i]!.value)),
            );
          } else {
            assert.equal(seen.optimizer, undefined);
          }
        });
      },
    );

    it(
      `${name}: keras.models.load_model predicts what Strata predicts`,
      {
        skip: skipWithoutKeras,
        timeout: 120_000,
      },
      async () => {
        await inTempDir(async (dir) => {
          const { model, inputs } = await make();
          const { path } = await saveH5(model, dir, "m");
          const xs = join(dir, "x.json");
          await writeFile(xs, JSON.stringify(inputs.map((t) => [values(t), t.shape])));
          const r = spawnSync(KERAS_PYTHON, ["-c", KERAS_PREDICT, path, xs], { encoding: "utf8" });
          assert.equal(r.status, 0, r.stderr);
          const keras = JSON.parse(r.stdout) as { y: number[]; optimizer: string | null };
          assertClose(keras.y, await predict(model, inputs), 1e-5, "Keras's predictions");
          if (model.compiled) assert.equal(keras.optimizer, "Adam");
        });
      },
    );
  }

  it("other extensions are still refused, naming both formats", async () => {
    const { model } = functionalModel();
    await assert.rejects(model.save("/tmp/x.pb"), (e: Error) => {
      assert.ok(e instanceof ValueError);
      assert.match(e.message, /"\.keras".*"\.h5" \/ "\.hdf5".*received "\/tmp\/x\.pb"/);
      return true;
    });
  });

  it(".hdf5 is written the same way, atomically over an existing file", async () => {
    await inTempDir(async (dir) => {
      const { model, inputs } = functionalModel();
      const path = join(dir, "m.hdf5");
      await writeFile(path, "old");
      const warn = console.warn;
      console.warn = () => undefined;
      try {
        await model.save(path);
      } finally {
        console.warn = warn;
      }
      const loaded = await st.models.loadModel(path);
      assertClose(await predict(loaded, inputs), await predict(model, inputs), 0, "predictions");
    });
  });
});
