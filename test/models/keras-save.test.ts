// Writing Keras 3's files: model.saveWeights("….weights.h5") and model.save("….keras"), read
// back by Strata and, when h5py is installed, checked against libhdf5 and Keras's own files.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Sequential, layers } from "../../src/index.js";
import { StrataError, ValueError } from "../../src/errors.js";
import { readHdf5 } from "../../src/io/hdf5.js";
import { ZipReader } from "../../src/io/zip.js";
import { h5pyDump, h5pyTree, skipWithoutH5py } from "../io/h5py.js";
import {
  FIXTURES,
  haveFixtures,
  inTempDir,
  kerasPredictionError,
  NAMES,
  SHIPPED,
} from "../keras-fixtures.js";

const flat = (ws: st.Tensor[]) => ws.flatMap((w) => Array.from(w.dataSync()));

/** An h5py listing without the groups that hold no dataset, however deep. */
function withData<T>(listing: Record<string, T>): Record<string, T> {
  const isGroup = (v: T) => v === "group" || (v as { kind?: string }).kind === "group";
  const data = Object.entries(listing).filter(([, v]) => !isGroup(v));
  return Object.fromEntries(
    Object.entries(listing).filter(
      ([path, v]) => !isGroup(v) || data.some(([p]) => p.startsWith(`${path}/`)),
    ),
  );
}

/** A small trained model: Adam has state (iteration, moments) worth saving. */
async function trained(seed = 1, dropout = true) {
  st.random.setSeed(seed);
  const model = new Sequential([
    new layers.Dense(8, { inputShape: [3], activation: "relu" }),
    ...(dropout ? [new layers.Dropout(0.1)] : []),
    new layers.Dense(2),
  ]);
  model.compile({
    optimizer: new st.optimizers.Adam({ learningRate: 0.01 }),
    loss: "mse",
    metrics: ["mae"],
  });
  const x = st.random.normal([16, 3], { seed: 100 });
  const y = st.random.normal([16, 2], { seed: 101 });
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  return { model, x, y };
}

/** A deep model: its `layers` group has 60 members, so the group index spans several nodes. */
function deepModel(depth = 60) {
  st.random.setSeed(3);
  const model = new Sequential([new layers.Dense(2, { inputShape: [2] })]);
  for (let i = 1; i < depth; i++) model.add(new layers.Dense(2, { activation: "tanh" }));
  return model;
}

describe("model.saveWeights to .weights.h5 (Keras 3's layout)", () => {
  it("writes Keras's paths, and loadWeights restores the weights and the optimizer state", async () => {
    await inTempDir(async (dir) => {
      const { model, x } = await trained();
      const path = join(dir, "m.weights.h5");
      await model.saveWeights(path);
      const root = readHdf5(await readFile(path), path);
      assert.deepEqual(root.keys().sort(), ["layers", "optimizer", "vars"]);
      assert.deepEqual(root.group("layers").keys().sort(), ["dense", "dense_1", "dropout"]);
      assert.deepEqual(root.group("layers/dropout/vars").keys(), []);
      assert.deepEqual(root.dataset("layers/dense/vars/0").shape, [3, 8]);
      assert.deepEqual(root.dataset("layers/dense_1/vars/1").shape, [2]);
      // iteration, learning_rate, then m and v for each of the 4 variables.
      const opt = root.group("optimizer/vars");
      assert.equal(opt.keys().length, 2 + 2 * 4);
      assert.equal(opt.dataset("0").dtype, "int32");
      assert.deepEqual([...(opt.dataset("0").read() as Int32Array)], [4]);

      const { model: fresh } = await trained(7);
      assert.notDeepEqual(flat(fresh.getWeights()), flat(model.getWeights()));
      await fresh.loadWeights(path);
      assert.deepEqual(flat(fresh.getWeights()), flat(model.getWeights()));
      assert.deepEqual(
        flat(fresh.compiled!.optimizer.variables.map((v) => v.value)),
        flat(model.compiled!.optimizer.variables.map((v) => v.value)),
      );
      assert.deepEqual(
        (fresh.predictOnBatch(x) as st.Tensor).toArray(),
        (model.predictOnBatch(x) as st.Tensor).toArray(),
      );
    });
  });

  it("other extensions keep Strata's interim JSON", async () => {
    await inTempDir(async (dir) => {
      const { model } = await trained();
      await model.saveWeights(join(dir, "m.weights.json"));
      const text = await readFile(join(dir, "m.weights.json"), "utf8");
      assert.doesNotThrow(() => JSON.parse(text));
    });
  });

  it(
    "is read by libhdf5: h5py sees the same groups, shapes, dtypes and values",
    { skip: skipWithoutH5py },
    async () => {
      await inTempDir(async (dir) => {
        const { model } = await trained();
        const path = join(dir, "m.weights.h5");
        await model.saveWeights(path);
        const seen = h5pyDump(path);
        const [k0, b0, k1, b1] = model.getWeights();
        const expect = (t: st.Tensor) => ({
          kind: "dataset",
          shape: [...t.shape],
          dtype: "float32",
          values: [...(t.dataSync() as Float32Array)],
        });
        assert.deepEqual(seen["layers/dense/vars/0"], expect(k0!));
        assert.deepEqual(seen["layers/dense/vars/1"], expect(b0!));
        assert.deepEqual(seen["layers/dense_1/vars/0"], expect(k1!));
        assert.deepEqual(seen["layers/dense_1/vars/1"], expect(b1!));
        assert.deepEqual(seen["optimizer/vars/0"], {
          kind: "dataset",
          shape: [],
          dtype: "int32",
          values: [4],
        });
        assert.deepEqual(
          (seen["optimizer/vars/1"] as { dtype: string; shape: number[] }).shape,
          [],
        );
      });
    },
  );

  it(
    "a model with 60 layers: libhdf5 finds every layer group, and the file loads back",
    { skip: skipWithoutH5py },
    async () => {
      await inTempDir(async (dir) => {
        const model = deepModel();
        const path = join(dir, "deep.weights.h5");
        await model.saveWeights(path);
        const tree = h5pyTree(path);
        const names = Object.keys(tree).filter((k) => /^layers\/[^/]+$/.test(k));
        assert.equal(names.length, 60);
        for (let i = 0; i < 60; i++) {
          const name = i === 0 ? "dense" : `dense_${i}`;
          assert.equal(tree[`layers/${name}/vars/0`], "dataset float32 [2,2]");
          assert.equal(tree[`layers/${name}/vars/1`], "dataset float32 [2]");
        }
        const copy = deepModel();
        copy.setWeights(copy.getWeights().map((w) => st.zerosLike(w)));
        await copy.loadWeights(path);
        assert.deepEqual(flat(copy.getWeights()), flat(model.getWeights()));
      });
    },
  );
});

describe("model.save to .keras", () => {
  it("round-trips through loadModel: predictions, compile settings, optimizer state", async () => {
    await inTempDir(async (dir) => {
      // No Dropout here: its masks would make the two continued trainings differ.
      const { model, x, y } = await trained(1, false);
      const path = join(dir, "m.keras");
      await model.save(path);
      const zip = new ZipReader(await readFile(path), path);
      assert.deepEqual(zip.names(), ["metadata.json", "config.json", "model.weights.h5"]);
      const meta = JSON.parse(new TextDecoder().decode(zip.read("metadata.json"))) as Record<
        string,
        string
      >;
      assert.deepEqual(Object.keys(meta), ["keras_version", "date_saved"]);
      assert.equal(meta.keras_version, "3.16.0");
      assert.match(meta.date_saved!, /^\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d$/);
      const config = JSON.parse(new TextDecoder().decode(zip.read("config.json"))) as Record<
        string,
        unknown
      >;
      assert.equal(config.class_name, "Sequential");
      assert.ok(config.compile_config, "compile_config is saved");

      const loaded = await st.models.loadModel(path);
      assert.deepEqual(
        (loaded.predictOnBatch(x) as st.Tensor).toArray(),
        (model.predictOnBatch(x) as st.Tensor).toArray(),
      );
      const opt = loaded.compiled!.optimizer;
      assert.equal(opt.constructor.name, "Adam");
      assert.deepEqual(opt.getConfig(), model.compiled!.optimizer.getConfig());
      assert.equal(opt.iterations, model.compiled!.optimizer.iterations);
      assert.deepEqual(
        flat(opt.variables.map((v) => v.value)),
        flat(model.compiled!.optimizer.variables.map((v) => v.value)),
      );
      // Same state, same next step: one more epoch keeps the two models identical.
      await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
      await loaded.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
      assert.deepEqual(flat(loaded.getWeights()), flat(model.getWeights()));
      const evalA = await model.evaluate(x, y, { verbose: 0 });
      const evalB = await loaded.evaluate(x, y, { verbose: 0 });
      assert.deepEqual(Object.keys(evalB), Object.keys(evalA));
    });
  });

  it("re-saves a Keras-written model (seq.keras) with the same predictions", async () => {
    await inTempDir(async (dir) => {
      const io = JSON.parse(readFileSync(`${SHIPPED}/seq.io.json`, "utf8")) as {
        inputs: Record<string, { shape: number[]; data: number[] }>;
      };
      const input = st.tensor(io.inputs.input!.data, io.inputs.input!.shape, "int32");
      const model = await st.models.loadModel(`${SHIPPED}/seq.keras`);
      await model.save(join(dir, "seq.keras"));
      const again = await st.models.loadModel(join(dir, "seq.keras"));
      assert.deepEqual(
        (again.predictOnBatch(input) as st.Tensor).toArray(),
        (model.predictOnBatch(input) as st.Tensor).toArray(),
      );
    });
  });

  it(
    "writes the same weights tree and values as Keras (seq, and all six fixtures when ../shared is present)",
    { skip: skipWithoutH5py },
    async () => {
      await inTempDir(async (dir) => {
        const sources = [`${SHIPPED}/seq.keras`];
        if (haveFixtures) sources.push(...NAMES.map((name) => `${FIXTURES}/${name}.keras`));
        for (const src of sources) {
          const model = await st.models.loadModel(src);
          const ours = join(dir, "ours.keras");
          await model.save(ours);
          const h5 = (p: string) => new ZipReader(readFileSync(p), p).read("model.weights.h5");
          await writeFile(join(dir, "keras.h5"), h5(src));
          await writeFile(join(dir, "ours.h5"), h5(ours));
          // Keras also writes empty groups for sub-layers without weights that Strata's layers do
          // not have (MultiHeadAttention's _softmax and _dropout_layer); its loader treats a
          // missing group as no weights. Every dataset, and every group holding one, must match,
          // with the same values: Strata loaded them from Keras's file and wrote them back.
          for (const read of [h5pyTree, h5pyDump] as ((p: string) => Record<string, unknown>)[]) {
            assert.deepEqual(
              withData(read(join(dir, "ours.h5"))),
              withData(read(join(dir, "keras.h5"))),
              src,
            );
          }
        }
      });
    },
  );

  it(
    "re-saved Keras fixtures still reproduce Keras's predictions",
    { skip: haveFixtures ? false : `no fixtures at ${FIXTURES}` },
    async () => {
      await inTempDir(async (dir) => {
        for (const name of NAMES) {
          const model = await st.models.loadModel(`${FIXTURES}/${name}.keras`);
          await model.save(join(dir, `${name}.keras`));
          const again = await st.models.loadModel(join(dir, `${name}.keras`));
          kerasPredictionError(again, FIXTURES, name);
          assert.deepEqual(
            flat(again.optimizer!.variables.map((v) => v.value)),
            flat(model.optimizer!.variables.map((v) => v.value)),
            name,
          );
        }
      });
    },
  );

  it("refuses a path that is neither .keras nor .h5, naming it and the expected extensions", async () => {
    const { model } = await trained();
    await assert.rejects(model.save("model.tf"), (err: unknown) => {
      assert.ok(err instanceof ValueError);
      assert.match(
        err.message,
        /model\.save: expected a filepath ending in "\.keras".*"\.h5".*received "model\.tf"/,
      );
      return true;
    });
  });

  it("a failed save is a StrataError and leaves the existing file intact", async () => {
    await inTempDir(async (dir) => {
      const { model } = await trained();
      await assert.rejects(model.save(join(dir, "missing", "m.keras")), (err: unknown) => {
        assert.ok(err instanceof StrataError);
        assert.match(err.message, /the directory ".*missing" does not exist/);
        return true;
      });
      await assert.rejects(model.saveWeights(join(dir, "missing", "m.weights.h5")), StrataError);
      // An existing checkpoint in a directory that can no longer be written to.
      const path = join(dir, "m.keras");
      await writeFile(path, "old contents");
      if (process.getuid?.() !== 0) {
        await chmod(dir, 0o500);
        try {
          await assert.rejects(model.save(path));
        } finally {
          await chmod(dir, 0o700);
        }
        assert.equal(await readFile(path, "utf8"), "old contents");
      }
    });
  });
});
