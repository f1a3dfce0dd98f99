import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { inflateRawSync } from "node:zlib";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { Dense } from "../../src/layers/core/dense.js";
import { Input } from "../../src/layers/core/input.js";
import { Graph } from "../../src/models/graph.js";
import type { SymbolicTensor } from "../../src/layers/layer.js";
import { Bidirectional } from "../../src/layers/recurrent/bidirectional.js";
import { GRU } from "../../src/layers/recurrent/gru.js";
import { LSTM } from "../../src/layers/recurrent/lstm.js";
import { SimpleRNN } from "../../src/layers/recurrent/simple-rnn.js";
import { TimeDistributed } from "../../src/layers/recurrent/time-distributed.js";
import { BatchNormalization } from "../../src/layers/normalization/batch-normalization.js";
import { deserializeLayer } from "../../src/layers/recurrent/serialization.js";
import { assertClose, randn } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";
import { refCell, refRun } from "./recurrent-reference.js";

const tight = { rtol: 1e-9, atol: 1e-12 };
const list = (out: unknown): Tensor[] => (Array.isArray(out) ? out : [out]) as Tensor[];
const nested = (t: Tensor): number[][][] => t.toArray() as number[][][];

/** config.json of a Keras fixture (.keras is a zip; entries are stored or deflated). */
function fixtureConfig(name: string): Record<string, unknown> {
  const zip = readFileSync(
    new URL(`../../../shared/fixtures/keras/${name}.keras`, import.meta.url),
  );
  for (let at = 0; zip.readUInt32LE(at) === 0x04034b50;) {
    const method = zip.readUInt16LE(at + 8);
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extra = zip.readUInt16LE(at + 28);
    const file = zip.toString("utf8", at + 30, at + 30 + nameLength);
    const start = at + 30 + nameLength + extra;
    if (file === "config.json") {
      const body = zip.subarray(start, start + size);
      return JSON.parse((method === 8 ? inflateRawSync(body) : body).toString("utf8")) as Record<
        string,
        unknown
      >;
    }
    at = start + size;
  }
  throw new Error(`no config.json in ${name}.keras`);
}

/** Drops Keras's shared_object_id and reduces initializers to their class (their configs are not ours to test). */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  if (obj.module === "keras.initializers") return { class_name: obj.class_name };
  return Object.fromEntries(
    Object.entries(obj)
      .filter(([k]) => k !== "shared_object_id")
      .map(([k, v]) => [k, normalize(v)]),
  );
}

function assertSameConfig(ours: Record<string, unknown>, keras: Record<string, unknown>): void {
  assert.deepEqual(Object.keys(ours), Object.keys(keras), "config keys in Keras's order");
  assert.deepEqual(normalize(ours), normalize(keras));
}

describe("configs match Keras 3.16 (seq fixture)", () => {
  const layers = (fixtureConfig("seq").config as { layers: { config: Record<string, unknown> }[] })
    .layers;
  const keras = (name: string): Record<string, unknown> =>
    layers.find((l) => l.config.name === name)!.config;

  it("LSTM, GRU, SimpleRNN", () => {
    const lstm = new LSTM(6, { returnSequences: true, name: "lstm" });
    const gru = new GRU(5, { name: "gru" });
    const rnn = new SimpleRNN(3, { goBackwards: true, name: "simple_rnn" });
    assertSameConfig(lstm.getConfig(), keras("lstm"));
    assertSameConfig(gru.getConfig(), keras("gru"));
    assertSameConfig(rnn.getConfig(), keras("simple_rnn"));
    for (const cls of [LSTM, GRU, SimpleRNN]) {
      const name = cls === LSTM ? "lstm" : cls === GRU ? "gru" : "simple_rnn";
      assertSameConfig(cls.fromConfig(keras(name)).getConfig(), keras(name));
    }
  });

  it("Bidirectional, with forward_/backward_ names and build configs", () => {
    const bi = new Bidirectional(new LSTM(3, { name: "lstm_1" }), { name: "bidirectional" });
    bi.apply(Input({ shape: [10, 4] }));
    assertSameConfig(bi.getConfig(), keras("bidirectional"));
    const entry = layers.find((l) => l.config.name === "bidirectional");
    const loaded = deserializeLayer(entry) as Bidirectional;
    assertSameConfig(loaded.getConfig(), keras("bidirectional"));
    assert.equal(loaded.countParams(), 2 * (4 * 12 + 3 * 12 + 12));
    assert.deepEqual(
      loaded.weights.map((w) => w.name),
      ["kernel", "recurrent_kernel", "bias"]
        .flatMap((n) => `forward_lstm_1/lstm_cell/${n}`)
        .concat(
          ["kernel", "recurrent_kernel", "bias"].map((n) => `backward_lstm_1/lstm_cell/${n}`),
        ),
    );
  });
});

describe("Bidirectional", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new Bidirectional(new LSTM(2, { dtype }), { dtype }), {
      inputShape: [2, 3, 3],
      expectedOutputShape: [2, 4],
      expectedWeightShapes: [[3, 8], [2, 8], [8], [3, 8], [2, 8], [8]],
    });
    runLayerTest(
      (dtype) =>
        new Bidirectional(new GRU(2, { dtype, returnSequences: true }), {
          dtype,
          mergeMode: "sum",
        }),
      {
        inputShape: [2, 3, 3],
        expectedOutputShape: [2, 3, 2],
      },
    );
    runLayerTest(
      (dtype) =>
        new Bidirectional(new SimpleRNN(2, { dtype, returnSequences: true }), {
          dtype,
          mergeMode: null,
        }),
      {
        inputShape: [2, 3, 3],
        expectedOutputShape: [
          [2, 3, 2],
          [2, 3, 2],
        ],
      },
    );
    runLayerTest(
      (dtype) =>
        new Bidirectional(new LSTM(2, { dtype, returnState: true }), { dtype, mergeMode: "ave" }),
      {
        inputShape: [2, 3, 3],
        expectedOutputShape: [
          [2, 2],
          [2, 2],
          [2, 2],
          [2, 2],
          [2, 2],
        ],
      },
    );
  });

  it("merges the forward run with the backward run put back in time order", () => {
    const x = randn([2, 4, 3], 1);
    const bi = new Bidirectional(new GRU(3, { dtype: "float64", returnSequences: true }), {
      dtype: "float64",
      mergeMode: null,
    });
    bi.apply(x);
    bi.setWeights(bi.weights.map((w, i) => randn([...w.shape], 10 + i, 0.6)));
    const weights = bi.getWeights();
    const fwd = refRun(refCell("gru", weights.slice(0, 3)), nested(x)).sequence;
    const bwd = refRun(refCell("gru", weights.slice(3)), nested(x), {
      goBackwards: true,
    }).sequence.map((s) => [...s].reverse());
    const [y, yRev] = list(bi.apply(x));
    assertClose(y!, fwd, tight);
    assertClose(yRev!, bwd, tight);

    const modes = {
      concat: fwd.map((s, b) => s.map((v, t) => [...v, ...bwd[b]![t]!])),
      sum: fwd.map((s, b) => s.map((v, t) => v.map((a, j) => a + bwd[b]![t]![j]!))),
      mul: fwd.map((s, b) => s.map((v, t) => v.map((a, j) => a * bwd[b]![t]![j]!))),
      ave: fwd.map((s, b) => s.map((v, t) => v.map((a, j) => (a + bwd[b]![t]![j]!) / 2))),
    };
    for (const [mode, expected] of Object.entries(modes)) {
      const merged = Bidirectional.fromConfig({ ...bi.getConfig(), merge_mode: mode });
      merged.setWeights(weights);
      assertClose(merged.apply(x), expected, tight);
    }
  });

  it("zeroes masked steps of both directions; splits initial states in halves", () => {
    const x = randn([2, 4, 3], 2);
    const keep = [
      [true, true, true, false],
      [true, false, true, true],
    ];
    const bi = new Bidirectional(new LSTM(2, { dtype: "float64", returnSequences: true }), {
      dtype: "float64",
    });
    bi.apply(x);
    assert.equal(bi.forwardLayer.zeroOutputForMask, true);
    const y = bi.apply(x, { mask: st.tensor(keep) }).toArray() as number[][][];
    assert.deepEqual(y[0]![3], [0, 0, 0, 0]);
    assert.deepEqual(y[1]![1], [0, 0, 0, 0]);
    assert.equal((bi.computeMask(x, st.tensor(keep)) as st.Tensor).shape.join(), "2,4");
    const m = st.tensor(keep);
    const states = new Bidirectional(new LSTM(2, { returnSequences: true, returnState: true }));
    assert.deepEqual(states.computeMask(x, m), [m, null, null, null, null]);
    const split = new Bidirectional(new LSTM(2, { returnSequences: true }), { mergeMode: null });
    assert.deepEqual(split.computeMask(x, m), [m, m]);

    const last = new Bidirectional(new LSTM(2, { dtype: "float64", returnState: true }), {
      dtype: "float64",
    });
    last.apply(x);
    const h = [randn([2, 2], 3), randn([2, 2], 4), randn([2, 2], 5), randn([2, 2], 6)];
    const outs = list(last.apply(x, { initialState: h }));
    const weights = last.getWeights();
    const init = (a: Tensor, b: Tensor) => ({
      initial: [a.toArray() as number[][], b.toArray() as number[][]],
    });
    const fwd = refRun(refCell("lstm", weights.slice(0, 3)), nested(x), init(h[0]!, h[1]!));
    const bwd = refRun(refCell("lstm", weights.slice(3)), nested(x), {
      ...init(h[2]!, h[3]!),
      goBackwards: true,
    });
    assertClose(
      outs[0]!,
      fwd.last.map((v, b) => [...v, ...bwd.last[b]!]),
      tight,
    );
    assertClose(outs[1]!, fwd.states[0]!, tight);
    assertClose(outs[4]!, bwd.states[1]!, tight);
  });

  it("infers symbolic shapes and resets stateful directions", () => {
    const seq = Input({ shape: [null, 4] });
    assert.deepEqual(new Bidirectional(new LSTM(3, { returnSequences: true })).apply(seq).shape, [
      null,
      null,
      6,
    ]);
    const outs = new Bidirectional(new GRU(3, { returnState: true }), { mergeMode: null }).apply(
      seq,
    ) as unknown as SymbolicTensor[];
    assert.deepEqual(
      outs.map((t) => t.shape),
      [
        [null, 3],
        [null, 3],
        [null, 3],
        [null, 3],
      ],
    );

    const x = randn([2, 3, 4], 7);
    const bi = new Bidirectional(new SimpleRNN(2, { dtype: "float64", stateful: true }), {
      dtype: "float64",
    });
    const a = bi.apply(x);
    assert.notDeepEqual(bi.apply(x).toArray(), a.toArray());
    bi.resetStates();
    assertClose(bi.apply(x), a, tight);
    assert.throws(() => new Bidirectional(new LSTM(2)).resetStates(), /needs a stateful layer/);
  });

  it("rejects bad arguments", () => {
    assert.throws(() => new Bidirectional(new LSTM(2), { mergeMode: "max" as never, name: "b" }), {
      message: /^Layer "b" \(Bidirectional\): invalid merge mode; .*received mergeMode="max"/,
    });
    assert.throws(
      () => new Bidirectional(new Dense(2) as never),
      /layer must be a recurrent layer/,
    );
    assert.throws(
      () => new Bidirectional(new LSTM(2), { backwardLayer: new LSTM(2) }),
      /different goBackwards values/,
    );
    assert.throws(
      () =>
        new Bidirectional(new LSTM(2), {
          backwardLayer: new LSTM(2, { goBackwards: true, returnSequences: true }),
        }),
      /the same returnSequences/,
    );
    const custom = new Bidirectional(new LSTM(2), {
      backwardLayer: new GRU(2, { goBackwards: true }),
    });
    custom.apply(st.zeros([1, 3, 2]));
    assert.equal(custom.weights.length, 6);
    assert.throws(() => new Bidirectional(new LSTM(2), { name: "bb" }).apply(st.zeros([2, 3])), {
      message:
        /^Layer "bb" \(Bidirectional\): expected inputs of rank 3 \(batch, timesteps, features\); received shape \(None, 3\)$/,
    });
  });
});

describe("TimeDistributed", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new TimeDistributed(new Dense(3, { dtype }), { dtype }), {
      inputShape: [2, 4, 5],
      expectedOutputShape: [2, 4, 3],
      expectedWeightShapes: [[5, 3], [3]],
    });
    runLayerTest(
      (dtype) => new TimeDistributed(new Dense(2, { dtype, activation: "tanh" }), { dtype }),
      {
        inputShape: [2, 3, 4, 3],
        expectedOutputShape: [2, 3, 4, 2],
      },
    );
    runLayerTest((dtype) => new TimeDistributed(new LSTM(2, { dtype }), { dtype }), {
      inputShape: [2, 3, 4, 3],
      expectedOutputShape: [2, 3, 2],
    });
  });

  it("normalizes each timestep with its own batch statistics in training, as Keras's loop", () => {
    // Each timestep has its own mean (0, 10, 20): per-step statistics remove it exactly.
    const x = st.ops.add(randn([6, 3, 2], 4), st.tensor([[0], [10], [20]], [3, 1], "float64"));
    const bn = new BatchNormalization({ dtype: "float64", epsilon: 0 });
    const y = new TimeDistributed(bn, { dtype: "float64" }).apply(x, { training: true });
    const stepMeans = st.ops.mean(x, 0).toArray() as number[][];
    assertClose(st.ops.mean(y, 0), st.zeros([3, 2], "float64"), { atol: 1e-12 });
    assertClose(st.ops.mean(st.ops.square(y), 0), st.ones([3, 2], "float64"), { atol: 1e-9 });
    // The moving mean took one update per timestep, in order.
    let moving = [0, 0];
    for (let t = 0; t < 3; t++) {
      moving = moving.map((m, j) => 0.99 * m + 0.01 * stepMeans[t]![j]!);
    }
    assertClose(bn.movingMean.value, st.tensor(moving, [2], "float64"), { atol: 1e-12 });
  });

  it("applies the same layer to every timestep", () => {
    const x = randn([2, 3, 4], 8);
    const dense = new Dense(2, { dtype: "float64", biasInitializer: "ones" });
    const td = new TimeDistributed(dense, { dtype: "float64" });
    const y = td.apply(x);
    for (let t = 0; t < 3; t++) {
      const step = st.ops.reshape(st.ops.slice(x, [0, t, 0], [2, 1, 4]), [2, 4]);
      assertClose(
        st.ops.reshape(st.ops.slice(y, [0, t, 0], [2, 1, 2]), [2, 2]),
        dense.apply(step),
        tight,
      );
    }
    const mask = st.tensor([
      [true, false, true],
      [true, true, true],
    ]);
    assert.equal(td.computeMask(x, mask), mask);
    assert.deepEqual(new TimeDistributed(new Dense(7)).apply(Input({ shape: [null, 4] })).shape, [
      null,
      null,
      7,
    ]);
    const config = td.getConfig();
    assert.deepEqual(Object.keys(config), ["name", "trainable", "dtype", "layer"]);
    assert.deepEqual((config.layer as { build_config: unknown }).build_config, {
      input_shape: [null, 4],
    });
  });

  it("rejects inputs without a time axis", () => {
    assert.throws(() => new TimeDistributed(new Dense(2), { name: "td" }).apply(st.zeros([2, 3])), {
      message:
        /^Layer "td" \(TimeDistributed\): expected inputs with at least 3 axes \(batch, time, \.\.\.\); received shape \(None, 3\)/,
    });
    assert.throws(() => new TimeDistributed("dense" as never), /layer must be a Layer instance/);
  });
});

describe("in a functional model", () => {
  it("reads the mask of Embedding({maskZero}) and takes initial states as inputs", () => {
    const tokens = Input({ shape: [5], dtype: "int32" });
    const h0 = Input({ shape: [3] });
    const c0 = Input({ shape: [3] });
    const embed = new st.layers.Embedding(10, 4, { maskZero: true });
    const lstm = new LSTM(3, { returnSequences: true });
    const seq = lstm.apply(embed.apply(tokens), { initialState: [h0, c0] });
    const bi = new Bidirectional(new GRU(2));
    const out = bi.apply(seq);
    assert.deepEqual(out.shape, [null, 4]);
    // The functional graph a Model runs (mask travelling beside the tensors between layers).
    const graph = new Graph([tokens, h0, c0], [out], "test");

    const ids = st.tensor(
      [
        [3, 4, 0, 0, 0],
        [1, 2, 5, 7, 0],
      ],
      [2, 5],
      "int32",
    );
    const h = randn([2, 3], 9).cast("float32");
    const c = randn([2, 3], 10).cast("float32");
    const [y] = graph.run([ids, h, c], { training: false }) as [Tensor];
    // The same computation by hand, with the mask made explicit.
    const mask = st.ops.notEqual(ids, 0);
    const e = embed.apply(ids);
    const s = lstm.apply(e, { initialState: [h, c], mask });
    assertClose(y, bi.apply(s, { mask }), { rtol: 1e-5, atol: 1e-6 });
    // Without the mask the padded steps would change the result.
    assert.notDeepEqual(
      y.toArray(),
      bi.apply(lstm.apply(e, { initialState: [h, c], mask: null }), { mask: null }).toArray(),
    );
  });
});
