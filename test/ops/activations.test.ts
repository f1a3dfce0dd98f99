import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import {
  activation,
  activationNames,
  elu,
  exponential,
  gelu,
  hardSigmoid,
  hardSilu,
  hardSwish,
  leakyRelu,
  linear,
  logSigmoid,
  logSoftmax,
  mish,
  relu6,
  selu,
  silu,
  softmax,
  softsign,
  swish,
} from "../../src/ops/activations.js";
import { assertClose, eachBackend, gradcheck, randn } from "../helpers.js";

// Scalar references, written independently of the ops.
const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const sp = (v: number): number => Math.log1p(Math.exp(-Math.abs(v))) + Math.max(v, 0);
const erfRef = (v: number): number => {
  const z = Math.abs(v);
  if (z > 2.5) {
    // erfc(z) = e^(-z²)/√π · 1/(z + ½/(z + 1/(z + (3/2)/(z + …)))), evaluated from the tail.
    let t = z;
    for (let n = 120; n >= 1; n--) t = z + n / 2 / t;
    return Math.sign(v) * (1 - Math.exp(-z * z) / (Math.sqrt(Math.PI) * t));
  }
  // Taylor series: Σ (-1)ⁿ v^(2n+1) / (n! (2n+1)), accurate while the terms stay small.
  let term = v;
  let s = v;
  for (let n = 1; n < 200; n++) {
    term *= (-v * v) / n;
    s += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * s;
};
// Keras documents SELU's constants to 8 digits; its backends (TF, JAX) use them in full.
const ALPHA = 1.6732632423543772;
const SCALE = 1.0507009873554805;
const refs: [string, (x: Tensor) => Tensor, (v: number) => number][] = [
  ["relu6", relu6, (v) => Math.min(Math.max(v, 0), 6)],
  ["leakyRelu", (x) => leakyRelu(x), (v) => (v >= 0 ? v : 0.2 * v)],
  ["leakyRelu 0.05", (x) => leakyRelu(x, 0.05), (v) => (v >= 0 ? v : 0.05 * v)],
  ["elu", (x) => elu(x), (v) => (v > 0 ? v : Math.expm1(v))],
  ["elu 0.5", (x) => elu(x, 0.5), (v) => (v > 0 ? v : 0.5 * Math.expm1(v))],
  ["selu", selu, (v) => SCALE * (v > 0 ? v : ALPHA * Math.expm1(v))],
  [
    "gelu",
    (x) => gelu(x),
    (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
  ],
  ["gelu exact", (x) => gelu(x, false), (v) => 0.5 * v * (1 + erfRef(v / Math.SQRT2))],
  ["silu", silu, (v) => v * sig(v)],
  ["hardSigmoid", hardSigmoid, (v) => Math.min(Math.max(v + 3, 0), 6) / 6],
  ["hardSilu", hardSilu, (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6],
  ["softsign", softsign, (v) => v / (1 + Math.abs(v))],
  ["mish", mish, (v) => v * Math.tanh(sp(v))],
  ["logSigmoid", logSigmoid, (v) => -sp(-v)],
  ["exponential", exponential, Math.exp],
];

/** Values spread over every piece of the piecewise activations, none within 1e-3 of a kink. */
function spread(seed: number): Tensor {
  const x = randn([4, 7], seed, 3);
  const away = Array.from(x.dataSync() as Float64Array, (v) =>
    [-3, 0, 3, 6].some((k) => Math.abs(v - k) < 1e-3) ? v + 0.01 : v,
  );
  return st.tensor(Float64Array.from(away), [4, 7]);
}

eachBackend("activations", () => {
  it("match scalar references elementwise", () => {
    const x = spread(1);
    const wide = st.tensor(
      Float64Array.from([-8, -6, -3.5, -1, -0.25, 0, 0.25, 1, 2.5, 3.5, 6.5, 9]),
    );
    for (const [name, f, ref] of refs) {
      for (const input of [x, wide]) {
        const expected = Array.from(input.dataSync() as Float64Array, ref);
        try {
          assertClose(f(input), expected, { rtol: 1e-12, atol: 1e-14 });
        } catch (e) {
          throw new Error(`${name}: ${(e as Error).message}`);
        }
      }
    }
  });

  it("uses Keras's constants and formulas at known points", () => {
    const x = st.tensor([-1, 1, 2], undefined, "float64");
    assertClose(gelu(x), [-0.15880800939172324, 0.8411919906082768, 1.954597694087775], {
      rtol: 1e-12,
    });
    assertClose(gelu(x, false), [-0.15865525393145707, 0.8413447460685429, 1.9544997361036416], {
      rtol: 1e-12,
    });
    const documented = [1.05070098, 1.05070098 * 1.67326324 * Math.expm1(-1), 0];
    assertClose(selu(st.tensor([1, -1, 0], undefined, "float64")), documented, { rtol: 1e-8 });
    assert.deepEqual(
      Array.from(leakyRelu(st.tensor([-1, 0, 1])).dataSync()),
      [-0.2, 0, 1].map(Math.fround),
    );
    assert.deepEqual(hardSigmoid(st.tensor([-4, -3, 0, 3, 4])).toArray(), [0, 0, 0.5, 1, 1]);
    assert.equal(swish, silu);
    assert.equal(hardSwish, hardSilu);
  });

  it("keeps float dtypes and computes int inputs in float32", () => {
    assert.equal(gelu(st.tensor([1, 2])).dtype, "float32");
    assert.equal(selu(randn([2], 1)).dtype, "float64");
    const ints = st.tensor(new Int32Array([-1, 0, 1]));
    assert.equal(relu6(ints).dtype, "float32");
    assertClose(softmax(ints), softmax(st.tensor([-1, 0, 1])));
  });

  it("does not overflow on large inputs", () => {
    const x = st.tensor([-1000, -50, 50, 1000]);
    for (const [name, f] of refs) {
      if (name === "exponential") continue;
      const y = Array.from(f(x).dataSync());
      assert.ok(y.every(Number.isFinite), `${name} gave ${y}`);
    }
  });

  it("checks every activation's gradient against finite differences", () => {
    const x = spread(2);
    for (const [name, f] of refs) {
      try {
        gradcheck(f, [x]);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
  });

  it("computes softmax and logSoftmax against a naive reference", () => {
    const x = randn([2, 3, 4], 3, 2);
    const naive = (axis: number): number[] => {
      const [a, b, c] = [2, 3, 4];
      const v = x.dataSync() as Float64Array;
      const at = (i: number, j: number, k: number): number => i * b * c + j * c + k;
      const out = new Array<number>(v.length);
      for (let i = 0; i < a; i++) {
        for (let j = 0; j < b; j++) {
          for (let k = 0; k < c; k++) {
            let s = 0;
            for (let r = 0; r < [a, b, c][axis]!; r++) {
              const idx = axis === 0 ? at(r, j, k) : axis === 1 ? at(i, r, k) : at(i, j, r);
              s += Math.exp(v[idx]!);
            }
            out[at(i, j, k)] = Math.exp(v[at(i, j, k)]!) / s;
          }
        }
      }
      return out;
    };
    for (const axis of [0, 1, 2]) {
      assertClose(softmax(x, axis), naive(axis), { rtol: 1e-12 });
      assertClose(logSoftmax(x, axis), naive(axis).map(Math.log), { rtol: 1e-12 });
    }
    assertClose(softmax(x), naive(2), { rtol: 1e-12 });
    // Several axes normalise over their product.
    const both = softmax(x, [1, 2]);
    assertClose(st.ops.sum(both, [1, 2]), [1, 1], { rtol: 1e-12 });
  });

  it("softmax and logSoftmax stay finite on large logits", () => {
    const x = st.tensor([
      [1000, 0, -1000],
      [-1000, -1000, -1000],
    ]);
    assertClose(softmax(x), [
      [1, 0, 0],
      [1 / 3, 1 / 3, 1 / 3],
    ]);
    assertClose(logSoftmax(x), [
      [0, -1000, -2000],
      [-Math.log(3), -Math.log(3), -Math.log(3)],
    ]);
    const big = st.tensor([3.4e38, 3.4e38]);
    assertClose(softmax(big), [0.5, 0.5]);
    assert.deepEqual(softmax(st.zeros([0, 3])).shape, [0, 3]);
  });

  it("checks softmax and logSoftmax gradients, one axis or several", () => {
    const x = randn([2, 3, 4], 4);
    for (const axis of [-1, 0, 1, [0, 2]]) {
      gradcheck((t) => softmax(t, axis), [x]);
      gradcheck((t) => logSoftmax(t, axis), [x]);
    }
    gradcheck((t) => softmax(t), [randn([5], 5, 10)]);
  });

  it("differentiates its own gradients (second order)", () => {
    const w = randn([3, 4], 6);
    const x = randn([3, 4], 7);
    for (const f of [
      (t: Tensor) => softmax(t),
      (t: Tensor) => logSoftmax(t),
      (t: Tensor) => gelu(t),
      mish,
    ]) {
      const inner = st.grad((t: Tensor) => st.ops.sum(st.ops.multiply(f(t), w)));
      gradcheck((t) => inner(t) as Tensor, [x], { rtol: 1e-4, atol: 1e-6 });
    }
  });

  it("looks activations up by their Keras strings", () => {
    const x = spread(8);
    for (const name of activationNames) {
      const y = activation(name)(x);
      assert.deepEqual(y.shape, x.shape, name);
    }
    assertClose(activation("leaky_relu")(x), leakyRelu(x));
    // The string is keras.activations.gelu: exact by default, unlike ops.gelu (tanh).
    assertClose(activation("gelu")(x), gelu(x, false));
    assertClose(activation("log_softmax")(x), logSoftmax(x));
    assertClose(activation("relu")(x), st.ops.relu(x));
    assert.equal(activation("linear")(x), linear(x));
    const custom = (t: st.TensorLike): Tensor => st.ops.negative(t);
    assert.equal(activation(custom), custom);
    for (const name of [
      "relu",
      "sigmoid",
      "softmax",
      "tanh",
      "linear",
      "elu",
      "selu",
      "gelu",
      "silu",
      "swish",
      "softplus",
      "softsign",
      "relu6",
      "leaky_relu",
      "hard_sigmoid",
      "hard_silu",
      "exponential",
      "log_softmax",
      "mish",
    ]) {
      assert.ok(activationNames.includes(name), name);
    }
  });

  it("rejects unknown names and bad parameters with the valid choices", () => {
    assert.throws(() => activation("Relu"), {
      name: "ValueError",
      message: /^activation: unknown activation "Relu"; expected one of relu, relu6, leaky_relu,/,
    });
    assert.throws(() => activation("toString"), { name: "ValueError" });
    assert.throws(() => leakyRelu(st.tensor([1]), NaN), {
      name: "ValueError",
      message: "leakyRelu: negativeSlope must be a finite number; received NaN",
    });
    assert.throws(() => softmax(st.zeros([2, 3]), 2), {
      name: "ValueError",
      message: /^softmax: axis 2/,
    });
  });
});
