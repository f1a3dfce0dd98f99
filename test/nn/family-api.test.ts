import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { constraints, initializers, regularizers } from "../../src/index.js";

const near = (t: st.Tensor, expected: number, tol: number) =>
  Math.abs((t.item() as number) - expected) < tol;

describe("initializers: get / serialize / deserialize and Keras's lower-case names", () => {
  it("get takes Keras's string names, class names, instances and configs", () => {
    assert.ok(initializers.get("glorot_uniform") instanceof initializers.GlorotUniform);
    assert.ok(initializers.get("GlorotUniform") instanceof initializers.GlorotUniform);
    const he = new initializers.HeNormal({ seed: 3 });
    assert.equal(initializers.get(he), he);
    const fromConfig = initializers.get({
      module: "keras.initializers",
      class_name: "RandomNormal",
      config: { mean: 1, stddev: 0.5, seed: 7 },
      registered_name: null,
    });
    assert.deepEqual((fromConfig as initializers.RandomNormal).getConfig(), {
      mean: 1,
      stddev: 0.5,
      seed: 7,
    });
    assert.throws(
      () => initializers.get("glorot_uniformm"),
      /unknown initializer "glorot_uniformm"/,
    );
  });

  it("serialize writes Keras's envelope and deserialize reads it back to the same numbers", () => {
    const init = initializers.truncatedNormal({ mean: 0, stddev: 2, seed: 11 });
    const saved = initializers.serialize(init);
    assert.deepEqual(saved, {
      module: "keras.initializers",
      class_name: "TruncatedNormal",
      config: { mean: 0, stddev: 2, seed: 11 },
      registered_name: null,
    });
    const back = initializers.deserialize(saved);
    assert.deepEqual(back.apply([3, 4]).dataSync(), init.apply([3, 4]).dataSync());
    assert.throws(() => initializers.deserialize(42), /expected a serialized initializer/);
  });

  it("class names written by Keras 3.0–3.15 (OrthogonalInitializer, IdentityInitializer) load", () => {
    const ortho = initializers.deserialize({
      class_name: "OrthogonalInitializer",
      config: { gain: 2, seed: 1 },
    });
    assert.ok(ortho instanceof initializers.Orthogonal);
    const id = initializers.deserialize({ class_name: "IdentityInitializer", config: { gain: 3 } });
    assert.deepEqual(Array.from(id.apply([2, 2]).dataSync()), [3, 0, 0, 3]);
    assert.equal(initializers.OrthogonalInitializer, initializers.Orthogonal);
  });

  it("the lower-case forms build the same initializers as the classes", () => {
    assert.deepEqual(
      Array.from(initializers.constant({ value: 2.5 }).apply([3]).dataSync()),
      [2.5, 2.5, 2.5],
    );
    assert.deepEqual(Array.from(initializers.ones().apply([2]).dataSync()), [1, 1]);
    assert.deepEqual(Array.from(initializers.zeros().apply([2]).dataSync()), [0, 0]);
    const a = initializers.glorotUniform({ seed: 5 }).apply([20, 30]).dataSync();
    const b = new initializers.GlorotUniform({ seed: 5 }).apply([20, 30]).dataSync();
    assert.deepEqual(a, b);
    // Glorot uniform's limit is √(6 / (fan_in + fan_out)).
    const limit = Math.sqrt(6 / 50);
    assert.ok(Array.from(a).every((v) => Math.abs(v) <= limit));
    for (const make of [
      initializers.glorotNormal,
      initializers.heUniform,
      initializers.heNormal,
      initializers.lecunUniform,
      initializers.lecunNormal,
      initializers.orthogonal,
      initializers.randomNormal,
      initializers.randomUniform,
      initializers.varianceScaling,
    ]) {
      assert.deepEqual(make({ seed: 4 }).apply([6, 5]).shape, [6, 5]);
    }
    assert.deepEqual(
      Array.from(initializers.identity().apply([2, 3]).dataSync()),
      [1, 0, 0, 0, 1, 0],
    );
  });
});

describe("regularizers", () => {
  it("l1, l2 and l1L2 are Keras's L1 (0.01), L2 (0.01) and L1L2 (0, 0)", () => {
    const w = st.tensor([
      [1, -2],
      [3, -4],
    ]);
    assert.ok(near(regularizers.l1().apply(w), 0.01 * 10, 1e-6));
    assert.ok(near(regularizers.l2(0.5).apply(w), 0.5 * 30, 1e-5));
    assert.ok(near(regularizers.l1L2({ l1: 0.1, l2: 0.2 }).apply(w), 1 + 6, 1e-5));
    assert.deepEqual(regularizers.l1L2().getConfig(), { l1: 0, l2: 0 });
  });

  it("OrthogonalRegularizer penalizes the mean |cosine| between rows (or columns), as Keras", () => {
    const w = [
      [1, 0, 1],
      [0, 2, 0],
      [3, 0, -1],
    ];
    // float64 reference: cosine similarity of every pair of rows, then factor · ½ · Σ|off-diagonal| / pairs.
    const cosines = (rows: number[][]) => {
      const unit = rows.map((r) => {
        const n = Math.hypot(...r);
        return r.map((v) => v / n);
      });
      let total = 0;
      for (let i = 0; i < unit.length; i++)
        for (let j = 0; j < unit.length; j++)
          if (i !== j) total += Math.abs(unit[i]!.reduce((s, v, k) => s + v * unit[j]![k]!, 0));
      return total;
    };
    const columns = w[0]!.map((_, j) => w.map((r) => r[j]!));
    const rows = regularizers.orthogonalRegularizer({ factor: 0.3 }).apply(st.tensor(w));
    assert.ok(near(rows, (0.3 * 0.5 * cosines(w)) / 3, 1e-6));
    const cols = new regularizers.OrthogonalRegularizer({ factor: 0.3, mode: "columns" });
    assert.ok(near(cols.apply(st.tensor(w)), (0.3 * 0.5 * cosines(columns)) / 3, 1e-6));
    // Orthogonal rows cost nothing.
    assert.equal(
      regularizers
        .orthogonalRegularizer()
        .apply(
          st.tensor([
            [1, 0],
            [0, 5],
          ]),
        )
        .item(),
      0,
    );
    assert.throws(() => cols.apply(st.tensor([1, 2, 3])), /must have rank 2; received shape \[3\]/);
    assert.throws(
      () => new regularizers.OrthogonalRegularizer({ mode: "diagonal" as "rows" }),
      /mode must be "rows" or "columns"/,
    );
  });

  it("get / serialize / deserialize round-trip, and get(null) is null", () => {
    assert.equal(regularizers.get(null), null);
    assert.ok(regularizers.get("l2") instanceof regularizers.L2);
    assert.ok(
      regularizers.get("orthogonal_regularizer") instanceof regularizers.OrthogonalRegularizer,
    );
    const saved = regularizers.serialize(
      regularizers.orthogonalRegularizer({ factor: 0.2, mode: "columns" }),
    );
    assert.deepEqual(saved, {
      module: "keras.regularizers",
      class_name: "OrthogonalRegularizer",
      config: { factor: 0.2, mode: "columns" },
      registered_name: null,
    });
    assert.deepEqual(regularizers.deserialize(saved).getConfig(), { factor: 0.2, mode: "columns" });
  });

  it("a Dense layer with an OrthogonalRegularizer saves and loads it", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "strata-reg-"));
    try {
      const model = new st.Sequential([
        st.Input({ shape: [3] }),
        new st.layers.Dense(4, {
          kernelRegularizer: regularizers.orthogonalRegularizer({ factor: 0.1 }),
        }),
      ]);
      await model.save(join(dir, "m.keras"));
      const loaded = await st.models.loadModel(join(dir, "m.keras"));
      assert.equal(model.losses.length, 1);
      assert.deepEqual(
        loaded.losses.map((l) => l.item()),
        model.losses.map((l) => l.item()),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("constraints", () => {
  it("the lower-case forms are the classes with the same options", () => {
    const w = st.tensor([
      [3, 0],
      [4, 0.5],
    ]);
    // Column norms 5 and 0.5; maxNorm 2 rescales the first column to norm 2.
    const clipped = constraints.maxNorm({ maxValue: 2 }).apply(w).dataSync();
    assert.ok(Math.abs(clipped[0]! - 1.2) < 1e-5 && Math.abs(clipped[2]! - 1.6) < 1e-5);
    assert.ok(Math.abs(clipped[3]! - 0.5) < 1e-5);
    assert.deepEqual(
      Array.from(
        constraints
          .nonNeg()
          .apply(st.tensor([-1, 2]))
          .dataSync(),
      ),
      [0, 2],
    );
    const unit = constraints.unitNorm().apply(w).dataSync();
    assert.ok(Math.abs(unit[0]! - 0.6) < 1e-5);
    assert.deepEqual(constraints.minMaxNorm({ minValue: 1, maxValue: 2 }).getConfig(), {
      min_value: 1,
      max_value: 2,
      rate: 1,
      axis: 0,
    });
  });

  it("get / serialize / deserialize", () => {
    assert.equal(constraints.get(undefined), null);
    assert.ok(constraints.get("max_norm") instanceof constraints.MaxNorm);
    assert.ok(constraints.get("NonNeg") instanceof constraints.NonNeg);
    const saved = constraints.serialize(constraints.maxNorm({ maxValue: 3, axis: 1 }));
    assert.equal(saved.class_name, "MaxNorm");
    assert.deepEqual(constraints.deserialize(saved).getConfig(), { max_value: 3, axis: 1 });
  });
});
