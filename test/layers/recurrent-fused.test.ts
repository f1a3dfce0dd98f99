import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import type { DType, Tensor } from "../../src/index.js";
import { currentBackend } from "../../src/backend/index.js";
import { GRU, type GRUArgs } from "../../src/layers/recurrent/gru.js";
import { LSTM, type LSTMArgs } from "../../src/layers/recurrent/lstm.js";
import { assertClose, eachBackend, randn, randu, withKernel } from "../helpers.js";

// The recurrent layers run their whole sequence through one fused op (src/ops/rnn.ts) when the
// configuration allows. Given the activations as functions, the same layer takes the op-by-op
// path instead: both must agree in values and gradients.

const BATCH = 3;
const STEPS = 6;
const FEATURES = 4;
const UNITS = 5;

type Args = LSTMArgs & GRUArgs;
type Recurrent = LSTM | GRU;

/** The two fused layers, with the name of their forward kernel. */
const KINDS = [
  { name: "LSTM", kernel: "lstmForward", make: (a: Args, units = UNITS) => new LSTM(units, a) },
  { name: "GRU", kernel: "gruForward", make: (a: Args, units = UNITS) => new GRU(units, a) },
] as const;

/** Keras's defaults, given as functions: not recognised as the defaults, so never fused. */
const opByOp: Args = {
  activation: (x) => st.ops.tanh(x),
  recurrentActivation: (x) => st.ops.sigmoid(x),
};

/** Sample 0 is masked at its first two steps and its last; sample 1 in the middle; 2 never. */
const mask = st.tensor([
  [false, false, true, true, false, true, true, false].slice(0, STEPS),
  [true, true, false, true, false, true, true, true].slice(0, STEPS),
  [true, true, true, true, true, true, true, true].slice(0, STEPS),
]);

/** Counts the calls of a fused forward kernel during `fn`. */
function fusedCalls(fn: () => void, kernel = "lstmForward"): number {
  const table = currentBackend().kernels as unknown as Record<string, (...a: unknown[]) => unknown>;
  const original = table[kernel];
  if (!original) {
    fn();
    return 0;
  }
  let calls = 0;
  table[kernel] = (...a) => {
    calls++;
    return original.apply(table, a);
  };
  try {
    fn();
  } finally {
    table[kernel] = original;
  }
  return calls;
}

interface Case {
  label: string;
  args: Args;
  masked?: boolean;
  initialState?: boolean;
  training?: boolean;
}

const CASES: Case[] = [
  { label: "last output", args: {} },
  { label: "sequences and states", args: { returnSequences: true, returnState: true } },
  { label: "no bias, goBackwards", args: { useBias: false, goBackwards: true } },
  { label: "mask", args: { returnSequences: true, returnState: true }, masked: true },
  {
    label: "mask with initial states",
    args: { returnSequences: true, returnState: true },
    masked: true,
    initialState: true,
  },
  { label: "mask, last output, initial states", args: {}, masked: true, initialState: true },
  {
    label: "mask, zeroOutputForMask",
    args: { returnSequences: true, zeroOutputForMask: true },
    masked: true,
    initialState: true,
  },
  {
    label: "mask, goBackwards, last output",
    args: { goBackwards: true, zeroOutputForMask: true },
    masked: true,
  },
  { label: "input dropout in training", args: { dropout: 0.4, seed: 3 }, training: true },
];

const TOL: Record<string, { rtol: number; atol: number }> = {
  float32: { rtol: 2e-4, atol: 2e-5 },
  float64: { rtol: 1e-10, atol: 1e-12 },
};

/** Output(s), then the gradients of a weighted sum of them in weights, input and states. */
function run(layer: Recurrent, c: Case, dtype: DType, seed: number): Tensor[] {
  const x = new st.Variable(st.ops.cast(randn([BATCH, STEPS, FEATURES], seed), dtype));
  const states = layer.stateSize.map(
    (_, k) => new st.Variable(st.ops.cast(randn([BATCH, UNITS], seed + 1 + k, 0.5), dtype)),
  );
  let outputs: Tensor[] = [];
  const loss = (): Tensor => {
    const out = layer.apply(x.value, {
      mask: c.masked ? mask : null,
      training: c.training ?? false,
      initialState: c.initialState ? states.map((s) => s.value) : null,
    });
    outputs = Array.isArray(out) ? out : [out];
    const terms = outputs.map((o, i) =>
      st.ops.sum(st.ops.multiply(o, st.ops.cast(randu([...o.shape], seed + 10 + i), dtype))),
    );
    return terms.reduce((a, b) => st.ops.add(a, b));
  };
  const watched = [...layer.trainableWeights, x, ...(c.initialState ? states : [])];
  const { grads } = st.valueAndGrad(loss, watched);
  return [...outputs, ...grads];
}

eachBackend("recurrent layers, fused against op by op", (backend) => {
  // Without the fused kernels the sequence op runs its composite: the values are still compared.
  const fusedHere = (kernel: string) => withKernel(backend, kernel).skip === false;
  for (const kind of KINDS) {
    for (const dtype of ["float32", "float64"] as const) {
      for (const c of CASES) {
        it(`${kind.name} ${dtype}: ${c.label}`, () => {
          const fused = kind.make({ ...c.args, dtype });
          const reference = kind.make({ ...c.args, ...opByOp, dtype });
          const probe = st.zeros([BATCH, STEPS, FEATURES], dtype);
          fused.apply(probe);
          reference.apply(probe);
          const weights = fused.getWeights().map((w, i) => randn([...w.shape], 20 + i, 0.6));
          fused.setWeights(weights);
          reference.setWeights(weights);
          let got: Tensor[] = [];
          const calls = fusedCalls(() => (got = run(fused, c, dtype, 5)), kind.kernel);
          if (fusedHere(kind.kernel)) assert.ok(calls > 0, "fused path not taken");
          let want: Tensor[] = [];
          assert.equal(
            fusedCalls(() => (want = run(reference, c, dtype, 5)), kind.kernel),
            0,
          );
          assert.equal(got.length, want.length);
          got.forEach((g, i) => assertClose(g, want[i]!, TOL[dtype]));
        });
      }
    }
  }

  it(
    "stateful layers carry the fused pass's final states into the next call",
    withKernel(backend, "lstmForward"),
    () => {
      const x = randn([2, 6, 3], 91);
      const halves = [0, 3].map((t) => st.ops.slice(x, [0, t, 0], [2, 3, 3]));
      for (const kind of KINDS) {
        const fused = kind.make({ dtype: "float64", stateful: true }, 3);
        const reference = kind.make({ dtype: "float64", stateful: true, ...opByOp }, 3);
        for (const layer of [fused, reference]) {
          layer.apply(halves[0]!);
          layer.setWeights(layer.getWeights().map((w, i) => randn([...w.shape], 30 + i, 0.6)));
          layer.resetStates();
        }
        for (const half of halves) {
          let got: unknown;
          assert.equal(
            fusedCalls(() => (got = fused.apply(half)), kind.kernel),
            1,
          );
          assertClose(got as Tensor, reference.apply(half), TOL.float64);
        }
        fused.states!.forEach((s, i) => assertClose(s, reference.states![i]!, TOL.float64));
      }
    },
  );

  it(
    "recurrent dropout in training, custom activations, GRU resetAfter false: op by op",
    withKernel(backend, "lstmForward"),
    () => {
      const x = randn([2, 4, 3], 7, 1);
      for (const kind of KINDS) {
        const calls = (layer: Recurrent, training = false): number =>
          fusedCalls(() => layer.apply(x, { training }), kind.kernel);
        const dropping = kind.make({ dtype: "float64", recurrentDropout: 0.3, seed: 1 }, 2);
        assert.equal(calls(dropping, true), 0);
        assert.equal(calls(dropping), 1);
        assert.equal(
          calls(kind.make({ dtype: "float64", recurrentActivation: "hard_sigmoid" }, 2)),
          0,
        );
        assert.equal(calls(kind.make({ dtype: "float64", activation: "relu" }, 2)), 0);
      }
      const resetBefore = new GRU(2, { dtype: "float64", resetAfter: false });
      assert.equal(
        fusedCalls(() => resetBefore.apply(x), "gruForward"),
        0,
      );
    },
  );
});
