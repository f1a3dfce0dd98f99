// Keras's FeatureSpace: each encoding against a hand computation (Normalization's statistics in
// float64, Discretization's bins counted by hand, keras.io's Hashing and HashedCrossing examples),
// the concat order Keras uses (features sorted by name, then crosses sorted by name), unbatched
// calls, adapt over datasets and columns, Keras's error conditions and its config.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { DTypeError, ValueError } from "../../src/errors.js";
import { FeatureSpace } from "../../src/layers/preprocessing/feature-space/index.js";
import { TFDIdentity } from "../../src/layers/preprocessing/feature-space/data-layers.js";
import { assertClose, columns, heartData, meanStd, oneHot } from "./feature-space-fixtures.js";

const rowsOf = (t: st.Tensor) => t.toArray() as number[][];
const flat = (t: st.Tensor) => Array.from(t.dataSync() as ArrayLike<number>);

describe("FeatureSpace encodings", () => {
  it("float_normalized gives (x − mean) / std over the adapted data", async () => {
    const { x } = heartData();
    const fs = new FeatureSpace(
      { chol: "float_normalized", trestbps: FeatureSpace.floatNormalized() },
      { outputMode: "dict" },
    );
    // unbatched elements: adapt batches them by 32 as Keras does (40 rows: 32 + 8)
    await fs.adapt(st.data.Dataset.fromTensorSlices({ chol: x.chol, trestbps: x.trestbps }));
    const out = fs.apply({ chol: x.chol, trestbps: x.trestbps });
    for (const name of ["chol", "trestbps"] as const) {
      const { mean, std } = meanStd(x[name]);
      assert.deepEqual(out[name]!.shape, [40, 1]);
      assertClose(
        flat(out[name]!),
        x[name].map((v) => (v - mean) / std),
        1e-5,
      );
    }
  });

  it("float passes values through and float_rescaled gives x · scale + offset", () => {
    const fs = new FeatureSpace({
      a: "float",
      b: FeatureSpace.floatRescaled({ scale: 0.5, offset: -1 }),
    });
    // nothing to adapt: usable at once, as in Keras
    const out = fs.apply({ a: [1, 2, 3], b: [4, 6, 10] });
    assert.deepEqual(rowsOf(out), [
      [1, 1],
      [2, 2],
      [3, 4],
    ]);
  });

  it("float_discretized one-hot encodes the bin: how many boundaries are ≤ x", async () => {
    const { x } = heartData();
    const boundaries = [40, 50, 60];
    const fixed = new FeatureSpace({
      age: FeatureSpace.floatDiscretized(4, { binBoundaries: boundaries }),
    });
    const bin = (v: number, b: readonly number[]) => b.filter((e) => e <= v).length;
    assert.deepEqual(
      rowsOf(fixed.apply({ age: x.age })),
      x.age.map((v) => oneHot(bin(v, boundaries), 4)),
    );

    const adapted = new FeatureSpace({ age: "float_discretized" }, { numDiscretizationBins: 5 });
    await adapted.adapt({ age: x.age });
    const learned = (adapted.preprocessors.age as st.layers.Discretization).binBoundaries!;
    assert.equal(learned.length, 4);
    const rows = rowsOf(adapted.apply({ age: x.age }));
    assert.deepEqual(
      rows,
      x.age.map((v) => oneHot(bin(v, learned), 5)),
    );
    // every bin is used: the boundaries are quantiles of the data
    const counts = rows.reduce((acc, r) => acc.map((c, i) => c + r[i]!), [0, 0, 0, 0, 0]);
    assert.ok(
      counts.every((c) => c >= 4),
      `bin counts ${counts}`,
    );
  });

  it("string_hashed one-hot encodes keras.io's Hashing bins (A..E in 3 bins: 1, 0, 1, 1, 2)", () => {
    const fs = new FeatureSpace({ letter: FeatureSpace.stringHashed(3) });
    const out = fs.apply({ letter: ["A", "B", "C", "D", "E"] });
    assert.deepEqual(
      rowsOf(out),
      [1, 0, 1, 1, 2].map((b) => oneHot(b, 3)),
    );
  });

  it("integer_hashed one-hot encodes the Hashing layer's bins, hashingDim wide", () => {
    const { x } = heartData();
    const fs = new FeatureSpace({ chol: "integer_hashed" }, { hashingDim: 8 });
    const rows = rowsOf(fs.apply({ chol: x.chol }));
    const bins = flat(new st.layers.Hashing(8).apply(st.tensor(x.chol, undefined, "int32")));
    assert.deepEqual(
      rows,
      bins.map((b) => oneHot(b, 8)),
    );
  });

  it("a cross one-hot encodes keras.io's HashedCrossing example (5 bins: 1, 4, 1, 1, 3)", () => {
    const identity = (dtype: "string" | "int32") =>
      FeatureSpace.feature(dtype, new TFDIdentity({ dtype }), "int");
    const fs = new FeatureSpace(
      { f1: identity("string"), f2: identity("int32") },
      { crosses: [FeatureSpace.cross(["f1", "f2"], 5)], outputMode: "dict" },
    );
    const out = fs.apply({ f1: ["A", "B", "A", "B", "A"], f2: [101, 101, 101, 102, 102] });
    assert.deepEqual(Object.keys(out), ["f1", "f2", "f1_X_f2"]);
    assert.deepEqual(
      rowsOf(out.f1_X_f2!),
      [1, 4, 1, 1, 3].map((b) => oneHot(b, 5)),
    );
    assert.deepEqual(out.f1!.stringValues(), ["A", "B", "A", "B", "A"]);
    assert.equal(out.f2!.dtype, "int32");
  });

  it("crosses hash the preprocessed values: HashedCrossing on the pairs of bins", () => {
    const { x } = heartData();
    const fs = new FeatureSpace(
      {
        age: FeatureSpace.floatDiscretized(4, { binBoundaries: [40, 50, 60] }),
        thal: FeatureSpace.stringHashed(4),
      },
      { crosses: [["thal", "age"]], crossingDim: 16, outputMode: "dict" },
    );
    const out = fs.apply({ age: x.age, thal: x.thal });
    const ageBins = st.tensor(
      x.age.map((v) => [[40, 50, 60].filter((b) => b <= v).length]),
      undefined,
      "int32",
    );
    const thalBins = new st.layers.Hashing(4).apply(st.tensor(x.thal.map((t) => [t])));
    const expected = flat(new st.layers.HashedCrossing(16).apply([thalBins, ageBins]));
    assert.deepEqual(
      rowsOf(out.thal_X_age!),
      expected.map((b) => oneHot(b, 16)),
    );
  });
});

describe("FeatureSpace output", () => {
  const make = () =>
    new FeatureSpace(
      {
        zeta: "float",
        alpha: FeatureSpace.floatRescaled({ scale: 2 }),
        mid: FeatureSpace.stringHashed(3),
        beta: FeatureSpace.integerHashed(4),
      },
      // given in the reverse of the order they come out in
      { crosses: [FeatureSpace.cross(["mid", "beta"], 6), ["beta", "mid"]] },
    );
  const data = {
    zeta: [0.5, 1.5],
    alpha: [1, 2],
    mid: ["A", "E"],
    beta: [7, 9],
  };

  it("concat orders features by name, then crosses by name, as Keras does", () => {
    const fs = make();
    const concat = rowsOf(fs.apply(data));
    const dict = new FeatureSpace(
      {
        zeta: "float",
        alpha: FeatureSpace.floatRescaled({ scale: 2 }),
        mid: FeatureSpace.stringHashed(3),
        beta: FeatureSpace.integerHashed(4),
      },
      {
        crosses: [FeatureSpace.cross(["mid", "beta"], 6), ["beta", "mid"]],
        outputMode: "dict",
      },
    );
    const parts = dict.apply(data);
    const order = ["alpha", "beta", "mid", "zeta", "beta_X_mid", "mid_X_beta"];
    assert.deepEqual(Object.keys(parts), order);
    const widths = [1, 4, 3, 1, 32, 6];
    assert.equal(concat[0]!.length, 47);
    let at = 0;
    order.forEach((name, i) => {
      assert.deepEqual(columns(concat, at, widths[i]!), rowsOf(parts[name]!), name);
      at += widths[i]!;
    });
    assert.deepEqual(columns(concat, 0, 1), [[2], [4]]);
  });

  it("one sample without a batch axis comes back without one", () => {
    const fs = make();
    const one = fs.apply({ zeta: 0.5, alpha: 1, mid: "A", beta: 7 });
    assert.deepEqual(one.shape, [47]);
    assert.deepEqual(Array.from(one.dataSync()), rowsOf(fs.apply(data))[0]);
    const dict = new FeatureSpace(
      { a: "float", b: FeatureSpace.stringHashed(3) },
      {
        outputMode: "dict",
      },
    );
    const out = dict.apply({ a: 2, b: "A" });
    assert.deepEqual(out.a!.shape, [1]);
    assert.deepEqual(out.b!.toArray(), [0, 1, 0]);
  });

  it("columns of shape (batch, 1) and tensors are accepted as they are", () => {
    const fs = make();
    const out = fs.apply({
      zeta: st.tensor([[0.5], [1.5]]),
      alpha: [[1], [2]],
      mid: st.tensor([["A"], ["E"]]),
      beta: st.tensor([7, 9], undefined, "int32"),
    });
    assert.deepEqual(rowsOf(out), rowsOf(fs.apply(data)));
  });

  it("outputMode int: kept as indices in dict mode, refused in concat mode", () => {
    const dict = new FeatureSpace(
      { h: FeatureSpace.stringHashed(3, { outputMode: "int" }) },
      { outputMode: "dict" },
    );
    assert.deepEqual(dict.apply({ h: ["A", "B"] }).h!.toArray(), [[1], [0]]);
    const concat = new FeatureSpace({ h: FeatureSpace.stringHashed(3, { outputMode: "int" }) });
    assert.throws(
      () => concat.apply({ h: ["A"] }),
      /cannot concatenate features because feature "h"/,
    );
  });

  it("one_hot needs an integer preprocessor output", () => {
    const fs = new FeatureSpace({
      f: FeatureSpace.feature("float32", new TFDIdentity({ dtype: "float32" }), "one_hot"),
    });
    assert.throws(() => fs.getInputs(), /should return an integer dtype/);
  });
});

describe("FeatureSpace adapt and errors", () => {
  it("adapts from batched datasets, columns and unbatched datasets alike", async () => {
    const { x } = heartData();
    const results: number[][] = [];
    for (const source of [
      st.data.Dataset.fromTensorSlices({ chol: x.chol }).batch(7),
      st.data.Dataset.fromTensorSlices({ chol: x.chol }),
      { chol: x.chol },
    ]) {
      const fs = new FeatureSpace({ chol: "float_normalized" });
      await fs.adapt(source);
      results.push(flat(fs.apply({ chol: x.chol })));
    }
    assertClose(results[0]!, results[1]!);
    assertClose(results[0]!, results[2]!);
  });

  it("a labeled dataset must be mapped to its features first", async () => {
    const { x, target } = heartData();
    const fs = new FeatureSpace({ chol: "float_normalized" });
    const labeled = st.data.Dataset.fromTensorSlices([{ chol: x.chol }, target]);
    await assert.rejects(fs.adapt(labeled), /name-keyed objects/);
    await fs.adapt(labeled.map(([features]) => features));
    assert.deepEqual(fs.apply({ chol: [x.chol[0]!] }).shape, [1, 1]);
  });

  it("raises Keras's errors", () => {
    assert.throws(() => new FeatureSpace({}), /cannot be null or empty/);
    assert.throws(
      () =>
        new FeatureSpace(
          { f1: "float", f2: "float" },
          { crosses: [["f1", "f2"]], crossingDim: null },
        ),
      /`crossingDim`/,
    );
    assert.throws(
      () => new FeatureSpace({ f1: "float", f2: "float" }, { crosses: [["f1", "unknown"]] }),
      /should be present in the `features` dict/,
    );
    assert.throws(
      () => new FeatureSpace({ f1: "float" }, { outputMode: "unknown" as "dict" }),
      /for argument `outputMode`/,
    );
    assert.throws(
      () => new FeatureSpace({ f1: "float_normalised" as "float" }),
      /invalid feature type/,
    );
    assert.throws(() => FeatureSpace.cross(["a", "b"], 0), /crossingDim must be a positive/);
    const fs = new FeatureSpace({ f1: "float_normalized" });
    assert.throws(() => fs.apply({ f1: [0] }), /you need to call `.adapt/);
    assert.throws(() => fs.getEncodedFeatures(), /you need to call `.adapt/);
    assert.throws(() => fs.getInputs(), ValueError);
  });

  it("names what is wrong with the data it is called on", async () => {
    const fs = new FeatureSpace({ a: "float", s: FeatureSpace.stringHashed(3) });
    assert.throws(() => fs.apply([1, 2] as unknown as { a: number }), /only be called with a dict/);
    assert.throws(() => fs.apply({ a: [1] }), /missing: s/);
    assert.throws(() => fs.apply({ a: [1], s: ["x"], t: [2] }), /unknown: t/);
    assert.throws(() => fs.apply({ a: [1], s: [3] }), DTypeError);
    assert.throws(() => fs.apply({ a: ["x"], s: ["x"] }), /feature "a".*expects numbers/);
  });
});

describe("FeatureSpace inputs and config", () => {
  it("getInputs gives one (batch, 1) Input per feature with its dtype", () => {
    const fs = new FeatureSpace({
      a: "float",
      s: FeatureSpace.stringHashed(3),
      i: FeatureSpace.integerHashed(3),
    });
    const inputs = fs.getInputs();
    assert.deepEqual(Object.keys(inputs), ["a", "s", "i"]);
    assert.deepEqual(
      Object.values(inputs).map((t) => [t.shape, t.dtype, t.name]),
      [
        [[null, 1], "float32", "a"],
        [[null, 1], "string", "s"],
        [[null, 1], "int32", "i"],
      ],
    );
    const encoded = fs.getEncodedFeatures();
    assert.deepEqual(encoded.shape, [null, 7]);
    assert.equal(encoded.dtype, "float32");
  });

  it("getConfig has Keras's keys and envelopes, and fromConfig rebuilds the same space", () => {
    const fs = new FeatureSpace(
      {
        n: FeatureSpace.feature(
          "float32",
          new st.layers.Normalization({ mean: 2, variance: 4 }),
          "float",
        ),
        s: FeatureSpace.stringHashed(3, { name: "s" }),
        d: FeatureSpace.floatDiscretized(3, { binBoundaries: [0, 1] }),
      },
      { crosses: [FeatureSpace.cross(["s", "d"], 8, { outputMode: "int" })], outputMode: "dict" },
    );
    const config = fs.getConfig();
    assert.deepEqual(Object.keys(config), [
      "features",
      "output_mode",
      "crosses",
      "crossing_dim",
      "hashing_dim",
      "num_discretization_bins",
    ]);
    const s = (config.features as Record<string, Record<string, unknown>>).s!;
    assert.equal(s.module, "keras.src.layers.preprocessing.feature_space");
    assert.equal(s.class_name, "Feature");
    assert.equal(s.registered_name, "Feature");
    const sConfig = s.config as Record<string, unknown>;
    assert.equal(sConfig.dtype, "string");
    assert.equal(sConfig.output_mode, "one_hot");
    assert.equal((sConfig.preprocessor as { class_name: string }).class_name, "Hashing");
    assert.equal(
      (sConfig.preprocessor as { config: { name: string } }).config.name,
      "s_preprocessor",
    );
    assert.deepEqual(config.crosses, [
      {
        module: "keras.src.layers.preprocessing.feature_space",
        class_name: "Cross",
        config: { feature_names: ["s", "d"], crossing_dim: 8, output_mode: "int" },
        registered_name: "Cross",
      },
    ]);
    const envelope = st.layers.serialize(fs);
    assert.equal(envelope.module, "keras.utils");
    assert.equal(envelope.class_name, "FeatureSpace");
    const again = st.layers.deserialize(
      JSON.parse(JSON.stringify(envelope)),
    ) as FeatureSpace<"dict">;
    assert.ok(again instanceof FeatureSpace);
    assert.deepEqual(again.getConfig(), JSON.parse(JSON.stringify(config)));
    const data = { n: [0, 4], s: ["A", "B"], d: [-1, 0.5] };
    const a = fs.apply(data);
    const b = again.apply(data);
    for (const name of Object.keys(a))
      assert.deepEqual(b[name]!.toArray(), a[name]!.toArray(), name);
    assert.deepEqual(flat(a.n!), [-1, 1]);
  });

  it("feature types by name follow the space's defaults", () => {
    const fs = new FeatureSpace(
      { h: "string_hashed", d: "float_discretized", r: "float_rescaled" },
      { hashingDim: 5, numDiscretizationBins: 7 },
    );
    assert.equal((fs.preprocessors.h as st.layers.Hashing).numBins, 5);
    assert.equal((fs.preprocessors.d as st.layers.Discretization).numBins, 7);
    assert.deepEqual(
      Object.values(fs.preprocessors).map((p) => p.name),
      ["h_preprocessor", "d_preprocessor", "r_preprocessor"],
    );
  });
});

/** The vocabulary Keras's lookups learn: by count, most frequent first, ties by token, larger first. */
function kerasVocabulary<T extends string | number>(values: readonly T[]): T[] {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? 1 : -1));
}

describe("FeatureSpace categorical features", () => {
  it("string_categorical one-hot encodes the index in Keras's vocabulary, OOV first", async () => {
    const { x } = heartData();
    const fs = new FeatureSpace({ thal: "string_categorical" });
    await fs.adapt(st.data.Dataset.fromTensorSlices({ thal: x.thal }).batch(8));
    const vocab = kerasVocabulary(x.thal);
    assert.deepEqual(vocab, ["normal", "reversible", "fixed"]);
    const rows = rowsOf(fs.apply({ thal: [...x.thal, "unseen"] }));
    assert.deepEqual(rows, [
      ...x.thal.map((t) => oneHot(1 + vocab.indexOf(t), 4)),
      oneHot(0, 4), // the OOV slot
    ]);
  });

  it("integer_categorical with numOovIndices 0 (the tutorial's) indexes the vocabulary directly", async () => {
    const { x } = heartData();
    const fs = new FeatureSpace(
      {
        ca: FeatureSpace.integerCategorical({ numOovIndices: 0 }),
        sex: FeatureSpace.integerCategorical({ numOovIndices: 0 }),
      },
      { outputMode: "dict" },
    );
    await fs.adapt({ ca: x.ca, sex: x.sex });
    const out = fs.apply({ ca: x.ca, sex: x.sex });
    const caVocab = kerasVocabulary(x.ca);
    assert.deepEqual(caVocab, [3, 2, 1, 0]); // a tie: larger values first
    assert.deepEqual(
      rowsOf(out.ca!),
      x.ca.map((v) => oneHot(caVocab.indexOf(v), 4)),
    );
    assert.deepEqual(
      rowsOf(out.sex!),
      x.sex.map((v) => oneHot([1, 0].indexOf(v), 2)),
    );
  });

  it("maxTokens and numOovIndices size the one-hot vector as in Keras", async () => {
    const fs = new FeatureSpace({
      i: FeatureSpace.integerCategorical({ maxTokens: 5, numOovIndices: 2 }),
    });
    await fs.adapt({ i: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    assert.deepEqual(fs.getEncodedFeatures().shape, [null, 5]);
    assert.deepEqual(fs.apply({ i: [9] }).shape, [1, 5]);
  });

  it("crossing lookups hashes their indices: HashedCrossing on the pairs", async () => {
    const { x } = heartData();
    const fs = new FeatureSpace(
      {
        thal: FeatureSpace.stringCategorical({ outputMode: "int" }),
        ca: FeatureSpace.integerCategorical({ numOovIndices: 0, outputMode: "int" }),
      },
      { crosses: [FeatureSpace.cross(["thal", "ca"], 16)], outputMode: "dict" },
    );
    await fs.adapt(st.data.Dataset.fromTensorSlices({ thal: x.thal, ca: x.ca }));
    const out = fs.apply({ thal: x.thal, ca: x.ca });
    const thalIds = x.thal.map((t) => 1 + kerasVocabulary(x.thal).indexOf(t));
    const caIds = x.ca.map((v) => kerasVocabulary(x.ca).indexOf(v));
    assert.deepEqual(flat(out.thal!), thalIds);
    assert.deepEqual(flat(out.ca!), caIds);
    const expected = flat(
      new st.layers.HashedCrossing(16).apply([
        st.tensor(thalIds, undefined, "int32"),
        st.tensor(caIds, undefined, "int32"),
      ]),
    );
    assert.deepEqual(
      rowsOf(out.thal_X_ca!),
      expected.map((b) => oneHot(b, 16)),
    );
  });
});

describe("FeatureSpace on Keras's own test data (feature_space_test.py)", () => {
  const digits = Array.from({ length: 10 }, (_, i) => i);
  const data = () => ({
    float_1: digits.map((i) => i / 10),
    float_2: digits.map((i) => i / 10),
    float_3: digits.map((i) => i / 10),
    int_1: digits,
    int_2: digits,
    int_3: digits,
    string_1: digits.map(String),
    string_2: digits.map(String),
  });
  const first = () =>
    Object.fromEntries(Object.entries(data()).map(([k, v]) => [k, v[0]!])) as Record<
      string,
      number | string
    >;

  it("test_basic_usage: 195 features, batched and unbatched", async () => {
    const fs = new FeatureSpace(
      {
        float_1: "float",
        float_2: "float_normalized",
        float_3: "float_discretized",
        string_1: "string_categorical",
        string_2: "string_hashed",
        int_1: "integer_categorical",
        int_2: "integer_hashed",
        int_3: "integer_categorical",
      },
      {
        crosses: [
          ["float_3", "string_1"],
          ["string_2", "int_2"],
        ],
        outputMode: "concat",
      },
    );
    await fs.adapt(st.data.Dataset.fromTensorSlices(data()));
    await fs.adapt(st.data.Dataset.fromTensorSlices(data()).batch(4));
    assert.deepEqual(fs.apply(first()).shape, [195]);
    assert.deepEqual(fs.apply(data()).shape, [10, 195]);
  });

  it("test_advanced_usage: 148 features", async () => {
    const fs = new FeatureSpace(
      {
        float_1: FeatureSpace.float(),
        float_2: FeatureSpace.floatNormalized(),
        float_3: FeatureSpace.floatDiscretized(3),
        string_1: FeatureSpace.stringCategorical({ maxTokens: 5 }),
        string_2: FeatureSpace.stringHashed(32),
        int_1: FeatureSpace.integerCategorical({ maxTokens: 5, numOovIndices: 2 }),
        int_2: FeatureSpace.integerHashed(32),
        int_3: FeatureSpace.integerCategorical({ maxTokens: 5 }),
      },
      {
        crosses: [
          FeatureSpace.cross(["float_3", "string_1"], 32),
          FeatureSpace.cross(["string_2", "int_2"], 32),
        ],
      },
    );
    await fs.adapt(st.data.Dataset.fromTensorSlices(data()));
    assert.deepEqual(fs.apply(first()).shape, [148]);
  });

  it("test_output_mode_dict: one entry per feature and cross, unbatched", async () => {
    const fs = new FeatureSpace(
      {
        float_1: "float",
        float_2: "float_normalized",
        float_3: "float_discretized",
        string_1: "string_categorical",
        string_2: "string_hashed",
        int_1: "integer_categorical",
        int_2: "integer_hashed",
        int_3: "integer_categorical",
      },
      {
        crosses: [
          ["float_3", "string_1"],
          ["string_2", "int_2"],
        ],
        outputMode: "dict",
      },
    );
    await fs.adapt(data());
    const out = fs.apply(first());
    assert.deepEqual(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.shape])), {
      float_1: [1],
      float_2: [1],
      float_3: [32],
      int_1: [11],
      int_2: [32],
      int_3: [11],
      string_1: [11],
      string_2: [32],
      float_3_X_string_1: [32],
      string_2_X_int_2: [32],
    });
  });
});

describe("FeatureSpace without adapt (Keras's test_no_adapt)", () => {
  it("preset statistics and vocabularies need no adapt", () => {
    const float1 = [-1.2, 0.0, 2.4, 1.2, 15.0, -100.0, 23.1, 3.12, 0.1, -0.01];
    const words = ["this", "is", "not", "an", "example", "this", "is", "a", "b", "c"];
    const fs = new FeatureSpace(
      {
        int_1: "integer_hashed",
        text_1: FeatureSpace.feature(
          "string",
          new st.layers.StringLookup({ vocabulary: ["this", "is", "an", "example"] }),
          "one_hot",
        ),
        float_1: FeatureSpace.feature(
          "float32",
          new st.layers.Normalization({ mean: 12, variance: 5 }),
          "float",
        ),
      },
      { outputMode: "dict" },
    );
    const out = fs.apply({ int_1: digitsUpTo(10), text_1: words, float_1: float1 });
    assert.deepEqual(out.int_1!.shape, [10, 32]);
    assertClose(
      flat(out.float_1!),
      float1.map((v) => (v - 12) / Math.sqrt(5)),
      1e-5,
    );
    const vocab = ["[UNK]", "this", "is", "an", "example"];
    assert.deepEqual(
      rowsOf(out.text_1!),
      words.map((w) => oneHot(Math.max(0, vocab.indexOf(w)), 5)),
    );
  });
});

function digitsUpTo(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
