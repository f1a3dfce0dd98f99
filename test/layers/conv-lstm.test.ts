// ConvLSTM1D / 2D / 3D: values against an independent float64 loop (direct convolutions), shapes
// for every padding and stride, masks, initial states, channels_first, gradients, configs, and a
// .keras file written by Python Keras (test/fixtures/make_keras_conv_lstm.py) loaded and predicted.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { ValueError } from "../../src/errors.js";
import { Input } from "../../src/layers/core/input.js";
import type { SymbolicTensor } from "../../src/layers/layer.js";
import {
  type ConvLSTMArgs,
  ConvLSTM,
  ConvLSTM1D,
  ConvLSTM2D,
  ConvLSTM3D,
} from "../../src/layers/recurrent/conv-lstm.js";
import { assertClose } from "../helpers.js";
import { kerasRoundTrip } from "./keras-roundtrip.js";
import { runLayerTest } from "./layer-test.js";
import {
  type Arr,
  type ConvLSTMRef,
  convLSTMRef,
  hardSigmoid,
  lastOutput,
  relu,
} from "./conv-lstm-reference.js";

const FIXTURES = new URL("../fixtures/keras-conv-lstm/", import.meta.url);

const arr = (t: Tensor): Arr => ({
  data: Float64Array.from(t.dataSync() as ArrayLike<number>),
  shape: [...t.shape],
});
const tensorOf = (a: Arr): Tensor => st.tensor(a.data, a.shape);

/** Draws uniform weights into `layer` (so the bias and every gate matter) and returns its cell. */
function randomizeWeights(layer: ConvLSTM, seed: number): void {
  layer.setWeights(
    layer.weights.map((w, i) =>
      st.random.uniform([...w.shape], {
        seed: seed + i,
        minval: -0.5,
        maxval: 0.5,
        dtype: w.dtype,
      }),
    ),
  );
}

function refCell(layer: ConvLSTM, extra: Partial<ConvLSTMRef> = {}): ConvLSTMRef {
  const [k, r, b] = layer.getWeights();
  return {
    kernel: arr(k!),
    recurrent: arr(r!),
    bias: b ? arr(b).data : null,
    strides: layer.strides,
    padding: layer.padding,
    dilation: layer.dilationRate,
    ...extra,
  };
}

const make = (rank: number, filters: number, kernel: number | number[], args: ConvLSTMArgs) =>
  rank === 1
    ? new ConvLSTM1D(filters, kernel, args)
    : rank === 2
      ? new ConvLSTM2D(filters, kernel, args)
      : new ConvLSTM3D(filters, kernel, args);

describe("ConvLSTM against a float64 loop of direct convolutions", () => {
  const cases: {
    label: string;
    rank: number;
    input: number[];
    filters: number;
    kernel: number | number[];
    args: ConvLSTMArgs;
    extra?: Partial<ConvLSTMRef>;
  }[] = [
    { label: "1D valid", rank: 1, input: [2, 3, 7, 2], filters: 3, kernel: 3, args: {} },
    {
      label: "1D same, strides 2",
      rank: 1,
      input: [2, 3, 7, 2],
      filters: 2,
      kernel: 2,
      args: { padding: "same", strides: 2 },
    },
    {
      label: "2D same, even kernel",
      rank: 2,
      input: [2, 3, 5, 4, 2],
      filters: 3,
      kernel: [2, 3],
      args: { padding: "same" },
    },
    {
      label: "2D valid, dilation (2, 1), relu / hard_sigmoid",
      rank: 2,
      input: [1, 3, 6, 4, 1],
      filters: 2,
      kernel: 2,
      args: { dilationRate: [2, 1], activation: "relu", recurrentActivation: "hard_sigmoid" },
      extra: { activation: relu, recurrentActivation: hardSigmoid },
    },
    {
      label: "2D valid, strides (2, 1), no bias",
      rank: 2,
      input: [2, 2, 5, 3, 2],
      filters: 2,
      kernel: [3, 2],
      args: { strides: [2, 1], useBias: false },
    },
    {
      label: "3D same, strides (1, 2, 1)",
      rank: 3,
      input: [1, 2, 3, 4, 3, 2],
      filters: 2,
      kernel: [2, 3, 2],
      args: { padding: "same", strides: [1, 2, 1] },
    },
  ];
  for (const c of cases) {
    it(c.label, () => {
      const layer = make(c.rank, c.filters, c.kernel, {
        ...c.args,
        returnSequences: true,
        returnState: true,
        dtype: "float64",
      });
      const x = st.random.normal(c.input, { seed: 3, dtype: "float64" });
      layer.apply(x);
      randomizeWeights(layer, 10);
      const [seq, h, cc] = layer.apply(x) as unknown as Tensor[];
      const ref = convLSTMRef(refCell(layer, c.extra), arr(x));
      assertClose(seq!, tensorOf(ref.sequence), { rtol: 1e-10, atol: 1e-12 });
      assertClose(h!, tensorOf(ref.h), { rtol: 1e-10, atol: 1e-12 });
      assertClose(cc!, tensorOf(ref.c), { rtol: 1e-10, atol: 1e-12 });
    });
  }

  it("goBackwards, a mask and initial states", () => {
    const layer = new ConvLSTM2D(2, 2, {
      padding: "same",
      returnSequences: true,
      goBackwards: true,
      dtype: "float64",
    });
    const x = st.random.normal([3, 4, 3, 3, 2], { seed: 5, dtype: "float64" });
    const h0 = st.random.normal([3, 3, 3, 2], { seed: 6, dtype: "float64" });
    const c0 = st.random.normal([3, 3, 3, 2], { seed: 7, dtype: "float64" });
    layer.apply(x);
    randomizeWeights(layer, 20);
    const mask = [
      [true, true, false, true],
      [false, false, true, true],
      [true, false, false, false],
    ];
    const maskT = st.tensor(mask.flat().map(Number), [3, 4], "bool");
    const got = layer.call([x, h0, c0], { mask: maskT }) as Tensor;
    const ref = convLSTMRef(refCell(layer), arr(x), {
      goBackwards: true,
      mask,
      h0: arr(h0),
      c0: arr(c0),
    });
    assertClose(got, tensorOf(ref.sequence), { rtol: 1e-10, atol: 1e-12 });
    // The same initial states through apply's initialState option.
    const viaOption = layer.apply(x, { initialState: [h0, c0] }) as Tensor;
    const unmasked = convLSTMRef(refCell(layer), arr(x), {
      goBackwards: true,
      h0: arr(h0),
      c0: arr(c0),
    });
    assertClose(viaOption, tensorOf(unmasked.sequence), { rtol: 1e-10, atol: 1e-12 });
  });

  it("channels_first equals channels_last on transposed inputs, states and outputs", () => {
    const args = { padding: "same" as const, returnSequences: true, returnState: true };
    const last = new ConvLSTM2D(2, [3, 2], args);
    const first = new ConvLSTM2D(2, [3, 2], { ...args, dataFormat: "channels_first" });
    const x = st.random.normal([2, 3, 4, 5, 2], { seed: 8 });
    const xFirst = st.ops.transpose(x, [0, 1, 4, 2, 3]);
    last.apply(x);
    randomizeWeights(last, 30);
    first.apply(xFirst);
    first.setWeights(last.getWeights());
    const [s1, h1, c1] = last.apply(x) as unknown as Tensor[];
    const [s2, h2, c2] = first.apply(xFirst) as unknown as Tensor[];
    assertClose(s2!, st.ops.transpose(s1!, [0, 1, 4, 2, 3]), { rtol: 1e-5, atol: 1e-6 });
    assertClose(h2!, st.ops.transpose(h1!, [0, 3, 1, 2]), { rtol: 1e-5, atol: 1e-6 });
    assertClose(c2!, st.ops.transpose(c1!, [0, 3, 1, 2]), { rtol: 1e-5, atol: 1e-6 });
    // Symbolic shapes follow the data format.
    const sym = first.apply(Input({ shape: [3, 2, 4, 5] })) as unknown as SymbolicTensor[];
    assert.deepEqual(
      sym.map((t) => [...t.shape]),
      [
        [null, 3, 2, 4, 5],
        [null, 2, 4, 5],
        [null, 2, 4, 5],
      ],
    );
  });

  it("Bidirectional(ConvLSTM2D): the forward and the time-reversed backward runs, concatenated", () => {
    const layer = new st.layers.Bidirectional(
      new ConvLSTM2D(2, 2, { padding: "same", returnSequences: true, dtype: "float64" }),
    );
    const x = st.random.normal([2, 3, 3, 4, 1], { seed: 12, dtype: "float64" });
    layer.apply(x);
    const fw = layer.forwardLayer as ConvLSTM;
    const bw = layer.backwardLayer as ConvLSTM;
    randomizeWeights(fw, 50);
    randomizeWeights(bw, 60);
    const forward = tensorOf(convLSTMRef(refCell(fw), arr(x)).sequence);
    const backward = tensorOf(convLSTMRef(refCell(bw), arr(x), { goBackwards: true }).sequence);
    const expected = st.ops.concatenate([forward, st.ops.flip(backward, 1)], -1);
    assertClose(layer.apply(x) as Tensor, expected, { rtol: 1e-10, atol: 1e-12 });
  });

  it("a stateful layer carries h and c between calls until resetStates", () => {
    const layer = new ConvLSTM1D(2, 2, { stateful: true, dtype: "float64" });
    const x = st.random.normal([2, 3, 5, 1], { seed: 9, dtype: "float64" });
    layer.apply(x);
    randomizeWeights(layer, 40);
    layer.resetStates();
    const first = layer.apply(x) as Tensor;
    const second = layer.apply(x) as Tensor;
    const run1 = convLSTMRef(refCell(layer), arr(x));
    const run2 = convLSTMRef(refCell(layer), arr(x), { h0: run1.h, c0: run1.c });
    assertClose(first, tensorOf(lastOutput(run1)), { rtol: 1e-10, atol: 1e-12 });
    assertClose(second, tensorOf(lastOutput(run2)), { rtol: 1e-10, atol: 1e-12 });
    layer.resetStates();
    assertClose(layer.apply(x) as Tensor, first, { rtol: 1e-12, atol: 1e-12 });
  });
});

describe("ConvLSTM layer lifecycle", () => {
  it("ConvLSTM2D: shapes, weights in Keras's order, config round trip, gradients", () => {
    runLayerTest(
      (dtype) => new ConvLSTM2D(2, 2, { padding: "same", returnSequences: true, dtype }),
      {
        inputShape: [2, 2, 3, 3, 1],
        expectedOutputShape: [2, 2, 3, 3, 2],
        expectedWeightShapes: [[2, 2, 1, 8], [2, 2, 2, 8], [8]],
        expectedNumTrainableWeights: 3,
        expectedNumNonTrainableWeights: 0,
      },
    );
  });

  it("ConvLSTM1D with strides and returnState: shapes and gradients", () => {
    runLayerTest((dtype) => new ConvLSTM1D(2, 3, { strides: 2, returnState: true, dtype }), {
      inputShape: [2, 3, 7, 2],
      expectedOutputShape: [
        [2, 3, 2],
        [2, 3, 2],
        [2, 3, 2],
      ],
      expectedWeightShapes: [[3, 2, 8], [3, 2, 8], [8]],
    });
  });

  it("ConvLSTM3D valid: output shapes", () => {
    const layer = new ConvLSTM3D(4, [2, 2, 3], { returnSequences: true });
    const out = layer.apply(st.zeros([1, 2, 3, 4, 5, 2])) as Tensor;
    assert.deepEqual(out.shape, [1, 2, 2, 3, 3, 4]);
    const cell = `${layer.name}/conv_lstm_cell`;
    assert.deepEqual(
      layer.weights.map((w) => [w.name, [...w.shape]]),
      [
        [`${cell}/kernel`, [2, 2, 3, 2, 16]],
        [`${cell}/recurrent_kernel`, [2, 2, 3, 4, 16]],
        [`${cell}/bias`, [16]],
      ],
    );
  });

  it("unitForgetBias puts ones in the forget block of the bias", () => {
    const layer = new ConvLSTM1D(3, 2, { biasInitializer: "zeros" });
    layer.apply(st.zeros([1, 2, 4, 1]));
    assert.deepEqual([...layer.getWeights()[2]!.dataSync()], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const off = new ConvLSTM1D(3, 2, { unitForgetBias: false });
    off.apply(st.zeros([1, 2, 4, 1]));
    assert.deepEqual([...off.getWeights()[2]!.dataSync()], new Array(12).fill(0));
  });

  it("dropout acts in training only, with the same masks at every step", () => {
    const layer = new ConvLSTM2D(2, 2, {
      padding: "same",
      dropout: 0.5,
      recurrentDropout: 0.5,
      seed: 3,
      returnSequences: true,
    });
    const x = st.random.normal([2, 3, 3, 3, 2], { seed: 1 });
    const plain = layer.apply(x) as Tensor;
    const clone = new ConvLSTM2D(2, 2, { padding: "same", returnSequences: true });
    clone.apply(x);
    clone.setWeights(layer.getWeights());
    assertClose(plain, clone.apply(x) as Tensor, { rtol: 1e-6, atol: 1e-6 });
    const trained = layer.apply(x, { training: true }) as Tensor;
    assert.ok(
      Number(st.ops.max(st.ops.abs(st.ops.subtract(trained, plain))).item()) > 1e-3,
      "training with dropout changes the outputs",
    );
  });

  it("the mask passes through with returnSequences, as Keras's RNN", () => {
    const layer = new ConvLSTM1D(2, 2, { returnSequences: true });
    const mask = st.tensor([1, 1, 0], [1, 3], "bool");
    assert.equal(layer.computeMask(st.zeros([1, 3, 4, 1]), mask), mask);
    const last = new ConvLSTM1D(2, 2, { returnState: true });
    assert.deepEqual(last.computeMask(st.zeros([1, 3, 4, 1]), mask), [null, null, null]);
  });

  it(".keras round trip keeps the config and the predictions", async () => {
    const layer = new ConvLSTM2D(2, [2, 3], {
      padding: "same",
      strides: 1,
      returnSequences: true,
      goBackwards: true,
      dataFormat: "channels_first",
      recurrentActivation: "hard_sigmoid",
      kernelRegularizer: "l2",
      seed: 4,
    });
    await kerasRoundTrip(layer, st.random.normal([2, 3, 1, 4, 4], { seed: 2 }));
  });

  it("rejects what Keras rejects, naming the argument", () => {
    assert.throws(
      () => new ConvLSTM2D(2, 3, { strides: 2, dilationRate: 2 }),
      (e: Error) => e instanceof ValueError && /strides > 1.*dilationRate > 1/.test(e.message),
    );
    assert.throws(
      () => new ConvLSTM2D(2, 3, { dataFormat: "channels_middle" as "channels_last" }),
      (e: Error) => e instanceof ValueError && /dataFormat.*channels_middle/.test(e.message),
    );
    assert.throws(
      () => new ConvLSTM2D(2, 3, { padding: "causal" as "same" }),
      (e: Error) => e instanceof ValueError && /padding/.test(e.message),
    );
    assert.throws(
      () => new ConvLSTM1D(0, 3),
      (e: Error) => e instanceof ValueError && /filters/.test(e.message),
    );
    assert.throws(
      () => new ConvLSTM2D(2, 3).apply(Input({ shape: [3, null, 4, 1] })),
      (e: Error) => e instanceof ValueError && /spatial axis/.test(e.message),
    );
    assert.throws(
      () => new ConvLSTM2D(2, 3).apply(st.zeros([1, 2, 4, 1])),
      (e: Error) => e instanceof ValueError && /rank 5/.test(e.message),
    );
    const built = new ConvLSTM1D(2, 2);
    built.apply(st.zeros([1, 2, 5, 1]));
    assert.throws(
      () =>
        built.apply(st.zeros([1, 2, 5, 1]), {
          initialState: [st.zeros([1, 3, 2]), st.zeros([1, 3, 2])],
        }),
      (e: Error) =>
        e instanceof ValueError && /initial state 0 must have shape \(1, 4, 2\)/.test(e.message),
    );
  });
});

describe("ConvLSTM files written by Python Keras", () => {
  const expected = JSON.parse(readFileSync(new URL("expected.json", FIXTURES), "utf8")) as {
    inputs: st.NestedArray[];
    outputs: st.NestedArray[];
    configs: Record<string, Record<string, unknown>>;
  };

  it("loads conv_lstm.keras and predicts what Keras predicted", async () => {
    const model = await st.models.loadModel(new URL("conv_lstm.keras", FIXTURES).pathname, {
      compile: false,
    });
    const got = model.predictOnBatch(expected.inputs.map((x) => st.tensor(x))) as Tensor[];
    assert.equal(got.length, expected.outputs.length);
    got.forEach((y, i) => assertClose(y, expected.outputs[i]!, { rtol: 1e-4, atol: 1e-5 }));
  });

  it("writes the same configs as Keras", async () => {
    const model = await st.models.loadModel(new URL("conv_lstm.keras", FIXTURES).pathname, {
      compile: false,
    });
    for (const [name, config] of Object.entries(expected.configs)) {
      const ours = (model.getLayer(name) as unknown as ConvLSTM).getConfig();
      assert.deepEqual(Object.keys(ours).sort(), Object.keys(config).sort(), name);
      for (const key of Object.keys(config)) {
        if (key === "dtype") continue; // a DTypePolicy object in both, checked by the loader
        assert.deepEqual(ours[key], config[key], `${name}.${key}`);
      }
    }
  });
});
