import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { Input } from "../../src/layers/core/input.js";
import { maskOf } from "../../src/layers/layer.js";
import { GRU, GRUCell } from "../../src/layers/recurrent/gru.js";
import { LSTM, LSTMCell } from "../../src/layers/recurrent/lstm.js";
import { RNN } from "../../src/layers/recurrent/rnn.js";
import { RNNCell } from "../../src/layers/recurrent/rnn-cell.js";
import { SimpleRNN, SimpleRNNCell } from "../../src/layers/recurrent/simple-rnn.js";
import { assertClose, gradcheck, randn } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";
import { type Mat, type RefCell, refCell, refRun } from "./recurrent-reference.js";

const tight = { rtol: 1e-9, atol: 1e-12 };
const nested = (t: Tensor): number[][][] => t.toArray() as number[][][];
const list = (out: unknown): Tensor[] => (Array.isArray(out) ? out : [out]) as Tensor[];
const hardSigmoid = (v: number): number => Math.max(0, Math.min(1, v / 6 + 0.5));

/** Random float64 weights (larger than the defaults so every gate matters). */
function randomize(layer: st.layers.Layer, seed: number): void {
  layer.setWeights(layer.weights.map((w, i) => randn([...w.shape], seed + i, 0.6)));
}

function built<T extends st.layers.Layer>(layer: T, x: Tensor, seed: number): T {
  layer.apply(x);
  randomize(layer, seed);
  return layer;
}

describe("SimpleRNN, LSTM, GRU: the layer test", () => {
  it("SimpleRNN", () => {
    runLayerTest((dtype) => new SimpleRNN(3, { dtype }), {
      inputShape: [2, 4, 3],
      expectedOutputShape: [2, 3],
      expectedWeightShapes: [[3, 3], [3, 3], [3]],
    });
    runLayerTest(
      (dtype) =>
        new SimpleRNN(2, { dtype, returnSequences: true, returnState: true, goBackwards: true }),
      {
        inputShape: [2, 3, 3],
        expectedOutputShape: [
          [2, 3, 2],
          [2, 2],
        ],
        expectedNumTrainableWeights: 3,
      },
    );
  });

  it("LSTM", () => {
    runLayerTest((dtype) => new LSTM(3, { dtype }), {
      inputShape: [2, 4, 3],
      expectedOutputShape: [2, 3],
      expectedWeightShapes: [[3, 12], [3, 12], [12]],
    });
    runLayerTest(
      (dtype) => new LSTM(2, { dtype, returnSequences: true, goBackwards: true, dropout: 0.3 }),
      {
        inputShape: [2, 3, 3],
        expectedOutputShape: [2, 3, 2],
      },
    );
    runLayerTest(
      (dtype) => new LSTM(2, { dtype, returnState: true, useBias: false, unitForgetBias: false }),
      {
        inputShape: [2, 3, 3],
        expectedOutputShape: [
          [2, 2],
          [2, 2],
          [2, 2],
        ],
        expectedWeightShapes: [
          [3, 8],
          [2, 8],
        ],
      },
    );
  });

  it("GRU", () => {
    runLayerTest((dtype) => new GRU(3, { dtype }), {
      inputShape: [2, 4, 3],
      expectedOutputShape: [2, 3],
      expectedWeightShapes: [
        [3, 9],
        [3, 9],
        [2, 9],
      ],
    });
    runLayerTest(
      (dtype) =>
        new GRU(2, { dtype, resetAfter: false, returnSequences: true, recurrentDropout: 0.2 }),
      {
        inputShape: [2, 3, 3],
        expectedOutputShape: [2, 3, 2],
        expectedWeightShapes: [[3, 6], [2, 6], [6]],
      },
    );
    runLayerTest(
      (dtype) =>
        new GRU(2, { dtype, returnState: true, goBackwards: true, activation: "softsign" }),
      {
        inputShape: [2, 3, 3],
        expectedOutputShape: [
          [2, 2],
          [2, 2],
        ],
      },
    );
  });
});

describe("recurrent values against Keras's equations", () => {
  const x = randn([2, 4, 3], 5);
  const cases: [string, () => RNN, (l: RNN) => RefCell][] = [
    [
      "SimpleRNN",
      () => new SimpleRNN(3, { dtype: "float64", returnSequences: true }),
      (l) => refCell("simple", l.getWeights()),
    ],
    [
      "LSTM",
      () => new LSTM(3, { dtype: "float64", returnSequences: true }),
      (l) => refCell("lstm", l.getWeights()),
    ],
    [
      "GRU reset_after",
      () => new GRU(3, { dtype: "float64", returnSequences: true }),
      (l) => refCell("gru", l.getWeights()),
    ],
    [
      "GRU reset_before",
      () => new GRU(3, { dtype: "float64", returnSequences: true, resetAfter: false }),
      (l) => refCell("gru", l.getWeights(), { resetAfter: false }),
    ],
    [
      "LSTM hard_sigmoid/linear, no bias",
      () =>
        new LSTM(2, {
          dtype: "float64",
          returnSequences: true,
          activation: null,
          recurrentActivation: "hard_sigmoid",
          useBias: false,
        }),
      (l) =>
        refCell("lstm", l.getWeights(), { activation: (v) => v, recurrentActivation: hardSigmoid }),
    ],
  ];

  for (const [label, make, ref] of cases) {
    it(`${label}: sequences, last output, goBackwards`, () => {
      const layer = built(make(), x, 11);
      const expected = refRun(ref(layer), nested(x));
      assertClose(layer.apply(x), expected.sequence, tight);

      const backLayer = (layer.constructor as typeof RNN).fromConfig({
        ...layer.getConfig(),
        go_backwards: true,
        return_sequences: false,
      });
      backLayer.apply(x);
      backLayer.setWeights(layer.getWeights());
      assertClose(
        backLayer.apply(x),
        refRun(ref(layer), nested(x), { goBackwards: true }).last,
        tight,
      );
    });
  }

  it("LSTM returnState gives [output, h, c]; initialState starts from given states", () => {
    const layer = built(new LSTM(3, { dtype: "float64", returnState: true }), x, 21);
    const cell = refCell("lstm", layer.getWeights());
    const [out, h, c] = list(layer.apply(x));
    const expected = refRun(cell, nested(x));
    assertClose(out!, expected.last, tight);
    assertClose(h!, expected.states[0]!, tight);
    assertClose(c!, expected.states[1]!, tight);

    const h0 = randn([2, 3], 1);
    const c0 = randn([2, 3], 2);
    const [out2, , c2] = list(layer.apply(x, { initialState: [h0, c0] }));
    const withInit = refRun(cell, nested(x), {
      initial: [h0.toArray() as Mat, c0.toArray() as Mat],
    });
    assertClose(out2!, withInit.last, tight);
    assertClose(c2!, withInit.states[1]!, tight);
    assert.throws(() => layer.apply(x, { initialState: [h0] }), /expected 2 initial state tensor/);
  });

  it("GRU and SimpleRNN return [output, h]", () => {
    for (const layer of [
      new GRU(2, { dtype: "float64", returnState: true }),
      new SimpleRNN(2, { dtype: "float64", returnState: true }),
    ]) {
      built(layer, x, 31);
      const outs = list(layer.apply(x));
      assert.equal(outs.length, 2);
      assertClose(outs[0]!, outs[1]!, tight);
    }
  });

  it("LSTM's forget-gate bias starts at 1, recurrent kernel orthogonal", () => {
    const layer = new LSTM(3);
    layer.apply(st.zeros([1, 2, 4]));
    assertClose(layer.getWeights()[2]!, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const u = layer.getWeights()[1]!;
    assertClose(st.ops.matmul(u, st.ops.transpose(u)), st.eye(3), { atol: 1e-5 });
    const noForget = new LSTM(2, { unitForgetBias: false, biasInitializer: "ones" });
    noForget.apply(st.zeros([1, 2, 4]));
    assertClose(noForget.getWeights()[2]!, new Array<number>(8).fill(1));
  });
});

describe("masking", () => {
  const x = randn([3, 5, 2], 41);
  const keep = [
    [true, true, false, true, false],
    [false, false, true, true, true],
    [true, true, true, true, true],
  ];
  const mask = st.tensor(keep);

  for (const [label, make, kind] of [
    [
      "LSTM",
      () => new LSTM(3, { dtype: "float64", returnSequences: true, returnState: true }),
      "lstm",
    ],
    [
      "GRU",
      () => new GRU(3, { dtype: "float64", returnSequences: true, returnState: true }),
      "gru",
    ],
    [
      "SimpleRNN",
      () => new SimpleRNN(3, { dtype: "float64", returnSequences: true, returnState: true }),
      "simple",
    ],
  ] as const) {
    it(`${label}: masked steps keep the states and repeat the previous output`, () => {
      const layer = built(make() as RNN, x, 51);
      const cell = refCell(kind, layer.getWeights());
      const [seq, ...states] = list(layer.apply(x, { mask }));
      const expected = refRun(cell, nested(x), { mask: keep });
      assertClose(seq!, expected.sequence, tight);
      states.forEach((s, i) => assertClose(s, expected.states[i]!, tight));
      // the sample masked at its first two steps outputs zeros there
      assertClose(st.ops.slice(seq!, [1, 0, 0], [1, 2, 3]), new Array<number>(6).fill(0));
    });
  }

  it("goBackwards reverses the mask with the sequence; zeroOutputForMask zeroes masked outputs", () => {
    const layer = built(
      new GRU(2, { dtype: "float64", returnSequences: true, goBackwards: true }),
      x,
      61,
    );
    const cell = refCell("gru", layer.getWeights());
    assertClose(
      layer.apply(x, { mask }),
      refRun(cell, nested(x), { mask: keep, goBackwards: true }).sequence,
      tight,
    );
    const zeroed = new GRU(2, { dtype: "float64", returnSequences: true, zeroOutputForMask: true });
    zeroed.apply(x);
    zeroed.setWeights(layer.getWeights());
    const expected = refRun(cell, nested(x), { mask: keep, zeroOutputForMask: true });
    assertClose(zeroed.apply(x, { mask }), expected.sequence, tight);
  });

  it("an all-true mask changes nothing; the output mask follows returnSequences", () => {
    const seqLayer = built(new LSTM(2, { dtype: "float64", returnSequences: true }), x, 71);
    const ones = st.ones([3, 5], "bool");
    assertClose(seqLayer.apply(x, { mask: ones }), seqLayer.apply(x), tight);
    assert.equal(seqLayer.computeMask(x, mask), mask);
    const lastLayer = new LSTM(2);
    assert.equal(lastLayer.computeMask(x, mask), null);
    // Keras: with returnState the states carry no mask; the sequence output keeps it.
    const withState = new LSTM(2, { returnSequences: true, returnState: true });
    assert.deepEqual(withState.computeMask(x, mask), [mask, null, null]);
    const [out, h, c] = withState.applyAll(x, { mask });
    assert.equal(maskOf(out!), mask);
    assert.equal(maskOf(h!), null);
    assert.equal(maskOf(c!), null);
    assert.throws(
      () => seqLayer.apply(x, { mask: st.ones([3, 4], "bool") }),
      /expected a mask of shape \(3, 5\)/,
    );
  });

  it("gradients through masked steps match finite differences", () => {
    const small = st.ops.slice(x, [0, 0, 0], [2, 5, 2]);
    const smallMask = st.ops.slice(mask, [0, 0], [2, 5]);
    for (const layer of [
      new LSTM(2, { dtype: "float64", returnSequences: true, goBackwards: true }),
      new GRU(2, { dtype: "float64", returnState: true, resetAfter: false }),
    ]) {
      built(layer, small, 81);
      const flat = (xs: Tensor): Tensor =>
        st.ops.concatenate(
          list(layer.apply(xs, { mask: smallMask })).map((t) => st.ops.reshape(t, [-1])),
        );
      gradcheck(flat, [small]);
    }
  });
});

describe("stateful layers", () => {
  const x = randn([2, 6, 3], 91);
  const first = st.ops.slice(x, [0, 0, 0], [2, 3, 3]);
  const second = st.ops.slice(x, [0, 3, 0], [2, 3, 3]);

  it("carry their states across calls until resetStates()", () => {
    const whole = built(new LSTM(3, { dtype: "float64" }), x, 101);
    const stateful = new LSTM(3, { dtype: "float64", stateful: true });
    stateful.apply(first);
    stateful.setWeights(whole.getWeights());
    stateful.resetStates();
    stateful.apply(first);
    assertClose(stateful.apply(second), whole.apply(x), tight);
    assert.equal(stateful.states?.length, 2);
    stateful.resetStates();
    assertClose(stateful.apply(first), whole.apply(first), tight);
    assert.throws(
      () => stateful.apply(st.zeros([3, 3, 3], "float64")),
      /keeps states for batch size 2; received a batch of 3/,
    );
    assert.throws(() => whole.resetStates(), /resetStates needs a stateful layer/);
  });
});

describe("dropout", () => {
  it("draws one input mask per sequence, only in training", () => {
    // Linear SimpleRNN with U = 0 and W = I: each output step is the (dropped) input step.
    const layer = new SimpleRNN(4, {
      dropout: 0.5,
      activation: "linear",
      kernelInitializer: "identity",
      recurrentInitializer: "zeros",
      returnSequences: true,
      seed: 3,
    });
    const step = st.tensor([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    const x = st.ops.stack([step, step, step], 1);
    assertClose(layer.apply(x), x);
    const y = layer.apply(x, { training: true }).toArray() as number[][][];
    for (const sample of y) {
      for (const t of sample) assert.deepEqual(t, sample[0]);
    }
    const flat = y.flat(2);
    const given = (x.toArray() as number[][][]).flat(2);
    flat.forEach((v, i) =>
      assert.ok(v === 0 || Math.abs(v - 2 * given[i]!) < 1e-5, `${v} vs ${given[i]}`),
    );
    assert.ok(flat.some((v) => v === 0) && flat.some((v) => v !== 0));
  });

  it("recurrent dropout trains and is reproducible from a seed", () => {
    const x = randn([2, 4, 3], 111);
    const make = (): LSTM =>
      new LSTM(3, { dtype: "float64", dropout: 0.3, recurrentDropout: 0.4, seed: 7 });
    const a = built(make(), x, 121);
    const b = make();
    b.apply(x);
    b.setWeights(a.getWeights());
    assertClose(a.apply(x, { training: true }), b.apply(x, { training: true }), tight);
    assert.notDeepEqual(a.apply(x, { training: true }).toArray(), a.apply(x).toArray());
    const { grads } = st.valueAndGrad(
      () => st.ops.sum(a.apply(x, { training: true })),
      a.trainableWeights,
    );
    assert.equal(grads.length, 3);
    for (const layer of [
      new GRU(2, { recurrentDropout: 0.5, dropout: 0.5 }),
      new SimpleRNN(2, { recurrentDropout: 0.5 }),
    ]) {
      const out = layer.apply(x, { training: true });
      assert.ok(Array.from(out.dataSync()).every(Number.isFinite));
    }
  });
});

describe("symbolic calls", () => {
  it("infer shapes, with a list of shapes for returnState", () => {
    const seq = Input({ shape: [null, 4] });
    assert.deepEqual(new LSTM(5, { returnSequences: true }).apply(seq).shape, [null, null, 5]);
    const outs = new LSTM(5, { returnState: true }).applyAll(seq);
    assert.deepEqual(
      outs.map((t) => t.shape),
      [
        [null, 5],
        [null, 5],
        [null, 5],
      ],
    );
    const gru = new GRU(3, { returnState: true, returnSequences: true }).applyAll(seq);
    assert.deepEqual(
      gru.map((t) => t.shape),
      [
        [null, null, 3],
        [null, 3],
      ],
    );
  });

  it("take initial states as graph inputs", () => {
    const seq = Input({ shape: [7, 4] });
    const h = Input({ shape: [5] });
    const c = Input({ shape: [5] });
    const out = new LSTM(5).apply(seq, { initialState: [h, c] });
    assert.deepEqual(out.shape, [null, 5]);
    assert.equal(out.node?.inputs.length, 3);
  });
});

describe("cells", () => {
  it("compute one step: [x, ...states] → [output, ...states]", () => {
    const x = randn([2, 3], 131);
    const h = randn([2, 2], 132);
    const c = randn([2, 2], 133);
    const cell = new LSTMCell(2, { dtype: "float64" });
    const [out, h2, c2] = list(cell.apply([x, h, c]));
    const seq = st.ops.expandDims(x, 1);
    const expected = refRun(refCell("lstm", cell.getWeights()), nested(seq), {
      initial: [h.toArray() as Mat, c.toArray() as Mat],
    });
    assertClose(out!, expected.last, tight);
    assertClose(h2!, expected.states[0]!, tight);
    assertClose(c2!, expected.states[1]!, tight);
    assert.deepEqual(new GRUCell(4).stateSize, [4]);
  });

  it("run inside the generic RNN layer, with the cell in its config", () => {
    const x = randn([2, 3, 3], 141);
    const layer = new RNN(new SimpleRNNCell(2, { dtype: "float64" }), {
      dtype: "float64",
      returnSequences: true,
    });
    built(layer, x, 151);
    assertClose(
      layer.apply(x),
      refRun(refCell("simple", layer.getWeights()), nested(x)).sequence,
      tight,
    );
    const config = layer.getConfig();
    assert.equal((config.cell as { class_name: string }).class_name, "SimpleRNNCell");
    const clone = RNN.fromConfig(config);
    assert.deepEqual(clone.getConfig(), config);
  });
});

describe("custom cells", () => {
  /** Keras's MinimalRNNCell example: output = x·W + h·U, one state. */
  class MinimalRNNCell extends RNNCell {
    kernel!: st.Variable;
    recurrentKernel!: st.Variable;
    constructor(readonly units: number) {
      super({ dtype: "float64" });
    }
    get stateSize(): number[] {
      return [this.units];
    }
    override build(shape: st.layers.ShapeSpec): void {
      this.kernel = this.addWeight({ name: "kernel", shape: [shape.at(-1)!, this.units] });
      this.recurrentKernel = this.addWeight({
        name: "recurrent_kernel",
        shape: [this.units, this.units],
      });
    }
    call(inputs: Tensor | Tensor[]): Tensor[] {
      const [x, h] = inputs as Tensor[];
      const out = st.ops.add(
        st.ops.matmul(x!, this.kernel),
        st.ops.matmul(h!, this.recurrentKernel),
      );
      return [out, out];
    }
  }

  it("run step by step inside RNN, masks and goBackwards included", () => {
    const x = randn([2, 3, 4], 161);
    const layer = new RNN(new MinimalRNNCell(2), {
      dtype: "float64",
      returnSequences: true,
      goBackwards: true,
    });
    built(layer, x, 171);
    const cell = refCell("simple", layer.getWeights(), { activation: (v) => v });
    const keep = [
      [true, false, true],
      [true, true, true],
    ];
    const expected = refRun(cell, nested(x), { goBackwards: true, mask: keep }).sequence;
    assertClose(layer.apply(x, { mask: st.tensor(keep) }), expected, tight);
    const { grads } = st.valueAndGrad(() => st.ops.sum(layer.apply(x)), layer.trainableWeights);
    assert.equal(grads.length, 2);
  });
});

describe("weights", () => {
  it("carry regularizers and constraints, and freeze with the layer", () => {
    const layer = new GRU(2, {
      name: "gru_w",
      kernelRegularizer: new st.regularizers.L2(0.5),
      recurrentRegularizer: "l1",
      recurrentConstraint: "non_neg",
      kernelInitializer: "ones",
    });
    layer.apply(st.zeros([1, 3, 2]));
    assert.equal(layer.losses.length, 2);
    assertClose(layer.losses[0]!, [0.5 * 12]);
    assert.ok(layer.cell.recurrentKernel.constraint);
    assert.deepEqual(
      layer.weights.map((w) => w.name),
      ["gru_w/gru_cell/kernel", "gru_w/gru_cell/recurrent_kernel", "gru_w/gru_cell/bias"],
    );
    const config = GRU.fromConfig(layer.getConfig()).getConfig();
    assert.deepEqual(config, layer.getConfig());
    layer.trainable = false;
    assert.equal(layer.trainableWeights.length, 0);
    assert.equal(layer.nonTrainableWeights.length, 3);
    assert.equal(layer.countParams(), 2 * 6 + 2 * 6 + 2 * 6);
  });
});

describe("errors", () => {
  it("name the layer and the shape received", () => {
    const lstm = new LSTM(2, { name: "enc" });
    assert.throws(() => lstm.apply(st.zeros([2, 5])), {
      name: "ValueError",
      message:
        /^Layer "enc" \(LSTM\): expected inputs of rank 3 \(batch, timesteps, features\); received shape \(None, 5\)/,
    });
    assert.throws(() => new GRU(2, { name: "g" }).apply(Input({ shape: [5] })), {
      message: /^Layer "g" \(GRU\): expected inputs of rank 3/,
    });
    lstm.apply(st.zeros([2, 3, 4]));
    assert.throws(
      () => lstm.apply(st.zeros([2, 3])),
      /^ValueError: Layer "enc" \(LSTM\): expected inputs of rank 3.*received rank 2 \(input shape \(2, 3\)\)$/,
    );
    assert.throws(
      () => lstm.apply(st.zeros([2, 3, 5])),
      /^ValueError: Layer "enc" \(LSTM\): expected inputs with 4 features on the last axis; received 5 \(input shape \(2, 3, 5\)\)$/,
    );
    assert.throws(() => new SimpleRNN(-3, { name: "s" }), {
      message: /units must be a positive integer; received units=-3/,
    });
    assert.throws(
      () => new LSTM(2, { dropout: Number.NaN }),
      /dropout must be a number between 0 and 1/,
    );
    assert.throws(() => new LSTM(2, { activation: "tanhh" }), /unknown activation "tanhh"/);
  });
});
