/**
 * `st.activations` (layers/activations/functions.ts): Keras 3.16's keras.activations names and
 * defaults, values against float64 loops of Keras's documented formulas, gradients against finite
 * differences, and get / serialize / deserialize by Keras's strings.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import * as activations from "../../src/layers/activations/functions.js";
import { assertClose, gradcheck, randn } from "../helpers.js";

/** Keras 3.16's keras/api/activations/__init__.py, function names in order. */
const KERAS_NAMES = [
  "celu",
  "elu",
  "exponential",
  "gelu",
  "glu",
  "hard_shrink",
  "hard_sigmoid",
  "hard_silu",
  "hard_swish",
  "hard_tanh",
  "leaky_relu",
  "linear",
  "log_sigmoid",
  "log_softmax",
  "mish",
  "relu",
  "relu6",
  "selu",
  "sigmoid",
  "silu",
  "swish",
  "soft_shrink",
  "softmax",
  "softplus",
  "softsign",
  "sparse_plus",
  "sparse_sigmoid",
  "sparsemax",
  "squareplus",
  "tanh",
  "tanh_shrink",
  "threshold",
];
const camel = (n: string): string => n.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const sp = (v: number): number => Math.log1p(Math.exp(-Math.abs(v))) + Math.max(v, 0);
/** erf independent of the library's: Taylor series near 0, erfc's continued fraction in the tails. */
const erf = (v: number): number => {
  const z = Math.abs(v);
  if (z > 2.5) {
    let t = z;
    for (let n = 120; n >= 1; n--) t = z + n / 2 / t;
    return Math.sign(v) * (1 - Math.exp(-z * z) / (Math.sqrt(Math.PI) * t));
  }
  let term = v;
  let s = v;
  for (let n = 1; n < 200; n++) {
    term *= (-v * v) / n;
    s += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * s;
};
const hsig = (v: number): number => Math.min(Math.max(v / 6 + 0.5, 0), 1);

/** One-argument uses with Keras's defaults, and their formulas from Keras's docstrings. */
const elementwise: [string, (v: number) => number][] = [
  ["relu", (v) => Math.max(v, 0)],
  ["relu6", (v) => Math.min(Math.max(v, 0), 6)],
  ["leakyRelu", (v) => (v >= 0 ? v : 0.2 * v)],
  ["elu", (v) => (v > 0 ? v : Math.expm1(v))],
  ["selu", (v) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * Math.expm1(v))],
  ["celu", (v) => (v >= 0 ? v : Math.expm1(v))],
  ["gelu", (v) => 0.5 * v * (1 + erf(v / Math.SQRT2))],
  ["silu", (v) => v * sig(v)],
  ["swish", (v) => v * sig(v)],
  ["sigmoid", sig],
  ["logSigmoid", (v) => -sp(-v)],
  ["tanh", Math.tanh],
  ["tanhShrink", (v) => v - Math.tanh(v)],
  ["softplus", sp],
  ["softsign", (v) => v / (Math.abs(v) + 1)],
  ["squareplus", (v) => (v + Math.sqrt(v * v + 4)) / 2],
  ["mish", (v) => v * Math.tanh(sp(v))],
  ["exponential", Math.exp],
  ["hardSigmoid", hsig],
  ["hardSilu", (v) => v * hsig(v)],
  ["hardSwish", (v) => v * hsig(v)],
  ["hardTanh", (v) => Math.min(Math.max(v, -1), 1)],
  ["hardShrink", (v) => (Math.abs(v) > 0.5 ? v : 0)],
  ["softShrink", (v) => (v > 0.5 ? v - 0.5 : v < -0.5 ? v + 0.5 : 0)],
  ["sparsePlus", (v) => (v <= -1 ? 0 : v >= 1 ? v : 0.25 * (v + 1) ** 2)],
  ["sparseSigmoid", (v) => (v <= -1 ? 0 : v >= 1 ? 1 : 0.5 * (v + 1))],
  ["linear", (v) => v],
];
const KINKS = [-3, -1, -0.5, 0, 0.5, 1, 3, 6];

type Fn = (x: Tensor, ...rest: unknown[]) => Tensor;
const fn = (name: string): Fn => (activations as unknown as Record<string, Fn>)[name]!;

/** Values over every piece, none within 1e-3 of a kink. */
function spread(seed: number): Tensor {
  const x = randn([3, 7], seed, 2.5);
  const away = Array.from(x.dataSync() as Float64Array, (v) =>
    KINKS.some((k) => Math.abs(v - k) < 1e-3) ? v + 0.01 : v,
  );
  return st.tensor(Float64Array.from(away), [3, 7]);
}

describe("st.activations", () => {
  it("has every Keras 3.16 activation under its camelCase name, each resolved by get", () => {
    for (const name of KERAS_NAMES) {
      assert.equal(typeof fn(camel(name)), "function", camel(name));
      assert.equal(activations.get(name), fn(camel(name)), name);
    }
    assert.deepEqual(activations.activationNames, [...KERAS_NAMES].sort());
    assert.equal(activations.swish, activations.silu);
    assert.equal(activations.hardSwish, activations.hardSilu);
  });

  it("match Keras's documented formulas with Keras's defaults", () => {
    const wide = st.tensor(Float64Array.from([-7, -2.5, -1.2, -0.7, -0.2, 0.3, 0.8, 1.4, 4, 8]));
    for (const [name, ref] of elementwise) {
      for (const x of [spread(1), wide]) {
        try {
          assertClose(fn(name)(x), Array.from(x.dataSync() as Float64Array, ref), {
            rtol: 1e-12,
            atol: 1e-14,
          });
        } catch (e) {
          throw new Error(`${name}: ${(e as Error).message}`);
        }
      }
    }
  });

  it("relu follows Keras's docstring examples and its threshold / max / slope formula", () => {
    const x = st.tensor([-10, -5, 0, 5, 10]);
    const r = activations.relu;
    assert.deepEqual(r(x).toArray(), [0, 0, 0, 5, 10]);
    assert.deepEqual(r(x, { negativeSlope: 0.5 }).toArray(), [-5, -2.5, 0, 5, 10]);
    assert.deepEqual(r(x, { maxValue: 5 }).toArray(), [0, 0, 0, 5, 5]);
    assert.deepEqual(r(x, { threshold: 5 }).toArray(), [0, 0, 0, 0, 10]);
    // ReLU layer docstring: max_value=10, negative_slope=0.5, threshold=0.
    assert.deepEqual(
      r(x, { maxValue: 10, negativeSlope: 0.5, threshold: 0 }).toArray(),
      [-5, -2.5, 0, 5, 10],
    );
    // All three: x above the threshold clipped to max, slope · (x − threshold) below it.
    const v = spread(2);
    const ref = (t: number): number => (t > 1 ? Math.min(t, 2.5) : 0.3 * (t - 1));
    const all = { negativeSlope: 0.3, maxValue: 2.5, threshold: 1 };
    assertClose(r(v, all), Array.from(v.dataSync() as Float64Array, ref), { rtol: 1e-12 });
    assert.throws(() => r(x, { slope: 1 } as never), /unknown option 'slope'/);
    assert.throws(() => r(x, { maxValue: Number.NaN }), /maxValue must be a finite number/);
  });

  it("take Keras's extra arguments positionally", () => {
    const x = spread(3);
    const v = Array.from(x.dataSync() as Float64Array);
    const near = (y: Tensor, ref: (t: number) => number) =>
      assertClose(y, v.map(ref), { rtol: 1e-12, atol: 1e-14 });
    near(activations.leakyRelu(x, 0.1), (t) => (t >= 0 ? t : 0.1 * t));
    near(activations.elu(x, 0.5), (t) => (t > 0 ? t : 0.5 * Math.expm1(t)));
    near(activations.celu(x, 2), (t) => (t >= 0 ? t : 2 * Math.expm1(t / 2)));
    near(activations.squareplus(x, 1), (t) => (t + Math.sqrt(t * t + 1)) / 2);
    near(activations.hardShrink(x, 1), (t) => (Math.abs(t) > 1 ? t : 0));
    near(activations.softShrink(x, 1), (t) => (t > 1 ? t - 1 : t < -1 ? t + 1 : 0));
    near(activations.threshold(x, 0.5, -1), (t) => (t > 0.5 ? t : -1));
    const c = Math.sqrt(2 / Math.PI);
    near(activations.gelu(x, true), (t) => 0.5 * t * (1 + Math.tanh(c * (t + 0.044715 * t ** 3))));
    // softmax / logSoftmax / sparsemax / glu along an axis.
    const s = activations.softmax(x, 0);
    assertClose(st.ops.sum(s, 0), st.ones([7], "float64"), { rtol: 1e-12 });
    assertClose(activations.logSoftmax(x), st.ops.log(activations.softmax(x)), { rtol: 1e-10 });
    assertClose(st.ops.sum(activations.sparsemax(x), -1), st.ones([3], "float64"), {
      rtol: 1e-12,
    });
    assert.deepEqual(activations.glu(st.ones([2, 6])).shape, [2, 3]);
  });

  it("differentiate: finite differences through each activation", () => {
    const x = spread(4);
    for (const [name] of elementwise) {
      if (name === "linear") continue;
      try {
        gradcheck((t) => fn(name)(t), [x]);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
    gradcheck((t) => activations.relu(t, { negativeSlope: 0.3, maxValue: 2.5, threshold: 1 }), [x]);
    gradcheck((t) => activations.relu(t, { maxValue: 1.5 }), [x]);
    gradcheck((t) => activations.relu(t, { negativeSlope: 0.2 }), [x]);
    gradcheck((t) => activations.softmax(t, 0), [x]);
    gradcheck((t) => activations.glu(t, 0), [randn([4, 3], 5)]);
  });

  it("get: null is linear, functions pass through, unknown strings are refused", () => {
    assert.equal(activations.get(null), activations.linear);
    assert.equal(activations.get(undefined), activations.linear);
    const mine = (x: st.TensorLike): Tensor => st.ops.multiply(x, 2);
    assert.equal(activations.get(mine), mine);
    assert.equal(activations.get("hard_swish"), activations.hardSilu);
    assert.throws(() => activations.get("hardSwish"), /could not interpret .*"hardSwish"/);
    assert.throws(() => activations.get(3), /could not interpret/);
  });

  it("serialize writes Keras's strings; deserialize reads them and Keras's function objects", () => {
    for (const name of KERAS_NAMES) {
      const expected = name === "swish" ? "silu" : name === "hard_swish" ? "hard_silu" : name;
      assert.equal(activations.serialize(activations.get(name)), expected);
      assert.equal(activations.deserialize(name), activations.get(name));
    }
    // Functions known by their names, as Keras recognizes keras.ops.relu.
    assert.equal(activations.serialize(st.ops.relu), "relu");
    assert.equal(activations.serialize(st.ops.leakyRelu), "leaky_relu");
    assert.throws(
      () => activations.serialize((x: Tensor) => x),
      /unknown activation function .* cannot be serialized/,
    );
    const kerasFn = {
      module: "keras.src.activations.activations",
      class_name: "function",
      config: "hard_tanh",
      registered_name: "function",
    };
    assert.equal(activations.deserialize(kerasFn), activations.hardTanh);
    assert.equal(activations.get(kerasFn), activations.hardTanh);
    const mine = (x: st.TensorLike): Tensor => st.ops.multiply(x, 2);
    assert.equal(activations.deserialize("double", { double: mine }), mine);
    assert.equal(
      activations.deserialize(
        { ...kerasFn, config: "double", registered_name: "my>double" },
        {
          "my>double": mine,
        },
      ),
      mine,
    );
    assert.throws(() => activations.deserialize("nope"), /could not interpret .*"nope"/);
  });

  it("a layer given an activation function writes its Keras string", () => {
    const d = new st.layers.Dense(2, { activation: activations.leakyRelu });
    assert.equal(d.getConfig().activation, "leaky_relu");
    const a = new st.layers.Activation(activations.hardSwish);
    assert.equal(a.getConfig().activation, "hard_silu");
    const y = a.apply(st.tensor([-4, 0, 1]));
    assertClose(y, [0, 0, 1 * hsig(1)]);
  });
});
