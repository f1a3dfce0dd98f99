import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as st from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "strata-clone-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const x = st.random.normal([5, 4], { seed: 1 });

const outputOf = (model: st.Model) => (model.apply(x) as st.Tensor).dataSync();

function weightsOf(model: st.Model): number[][] {
  return model.weights.map((w) => Array.from(w.value.dataSync()));
}

describe("models.cloneModel", () => {
  it("a Sequential clone has the same architecture and new weights", () => {
    const model = new st.Sequential([
      st.Input({ shape: [4] }),
      new st.layers.Dense(3, { activation: "relu", name: "hidden" }),
      new st.layers.Dense(2, { name: "out" }),
    ]);
    const clone = st.models.cloneModel(model);
    assert.ok(clone instanceof st.Sequential);
    assert.notEqual(clone, model);
    assert.deepEqual(
      clone.layers.map((l) => l.name),
      ["hidden", "out"],
    );
    assert.ok(clone.layers.every((l, i) => l !== model.layers[i]));
    assert.deepEqual(
      clone.weights.map((w) => w.shape),
      model.weights.map((w) => w.shape),
    );
    assert.notDeepEqual(weightsOf(clone), weightsOf(model));
    // With the weights copied over, the clone computes what the model computes.
    clone.setWeights(model.getWeights());
    assert.deepEqual(outputOf(clone), outputOf(model));
  });

  it("a functional clone replays the graph (branches, a shared layer) with new layers", () => {
    const input = st.Input({ shape: [4], name: "in" });
    const shared = new st.layers.Dense(4, { name: "shared" });
    const a = shared.apply(input) as st.layers.SymbolicTensor;
    const b = shared.apply(a) as st.layers.SymbolicTensor;
    const merged = new st.layers.Add({ name: "add" }).apply([a, b]);
    const model = new st.Model(input, new st.layers.Dense(1, { name: "head" }).apply(merged));
    const clone = st.models.cloneModel(model);
    assert.deepEqual(
      clone.layers.map((l) => l.name),
      model.layers.map((l) => l.name),
    );
    assert.equal(clone.weights.length, model.weights.length); // the shared layer is cloned once
    clone.setWeights(model.getWeights());
    assert.deepEqual(outputOf(clone), outputOf(model));
  });

  it("cloneFunction decides each layer: returning the layer shares it", () => {
    const model = new st.Sequential([
      st.Input({ shape: [4] }),
      new st.layers.Dense(3, { name: "keep" }),
      new st.layers.Dropout(0.5, { name: "drop" }),
      new st.layers.Dense(1, { name: "out" }),
    ]);
    const seen: string[] = [];
    const clone = st.models.cloneModel(model, {
      cloneFunction: (layer) => {
        seen.push(layer.name);
        if (layer.name === "keep") return layer;
        if (layer instanceof st.layers.Dropout) return new st.layers.Dropout(0.1, { name: "drop" });
        return st.layers.deserialize(st.layers.serialize(layer));
      },
    });
    assert.deepEqual(seen, ["keep", "drop", "out"]);
    assert.equal(clone.layers[0], model.layers[0]);
    assert.equal((clone.layers[1] as st.layers.Dropout).getConfig().rate, 0.1);
    assert.throws(
      () => st.models.cloneModel(model, { cloneFunction: () => 3 as unknown as st.layers.Layer }),
      /cloneFunction must return a layer; for "keep" it returned 3/,
    );
  });

  it("recursive clones a nested model's layers with the clone function too", () => {
    const inner = new st.Sequential(
      [st.Input({ shape: [4] }), new st.layers.Dense(2, { name: "in_dense" })],
      {
        name: "inner",
      },
    );
    const model = new st.Sequential([
      st.Input({ shape: [4] }),
      inner,
      new st.layers.Dense(1, { name: "top" }),
    ]);
    const seen: string[] = [];
    const cloneFunction = (layer: st.layers.Layer) => {
      seen.push(layer.name);
      return st.layers.deserialize(st.layers.serialize(layer));
    };
    st.models.cloneModel(model, { cloneFunction });
    assert.deepEqual(seen, ["inner", "top"]);
    seen.length = 0;
    st.models.cloneModel(model, { cloneFunction, recursive: true });
    assert.deepEqual(seen, ["in_dense", "top"]);
  });
});

describe("st.saving and models.saveModel", () => {
  it("saveModel writes a .keras file that loadModel reads; overwrite false refuses", async () => {
    const model = new st.Sequential([st.Input({ shape: [4] }), new st.layers.Dense(2)]);
    const path = join(dir, "m.keras");
    await st.saving.saveModel(model, path);
    const loaded = await st.saving.loadModel(path);
    assert.deepEqual(outputOf(loaded), outputOf(model));
    const before = readFileSync(path);
    await assert.rejects(
      st.models.saveModel(model, path, { overwrite: false }),
      /exists and overwrite is false/,
    );
    assert.deepEqual(readFileSync(path), before);
  });

  it("saveWeights / loadWeights take the model first, as keras.saving's", async () => {
    const model = new st.Sequential([st.Input({ shape: [4] }), new st.layers.Dense(2)]);
    const path = join(dir, "w.weights.h5");
    await st.saving.saveWeights(model, path);
    assert.ok(existsSync(path));
    const other = st.models.cloneModel(model);
    await st.saving.loadWeights(other, path);
    assert.deepEqual(outputOf(other), outputOf(model));
  });

  it("st.version() is the package's version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    assert.equal(st.version(), pkg.version);
  });
});
