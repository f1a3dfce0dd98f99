import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { Input } from "../../src/layers/core/input.js";
import { Dense } from "../../src/layers/core/dense.js";
import { MaxPooling2D } from "../../src/layers/pooling/pooling.js";
import { Conv1D, Conv2D, Conv3D } from "../../src/layers/conv/conv.js";
import { SeparableConv1D, SeparableConv2D } from "../../src/layers/conv/separable-conv.js";
import { DepthwiseConv1D, DepthwiseConv2D } from "../../src/layers/conv/depthwise-conv2d.js";
import {
  Conv1DTranspose,
  Conv2DTranspose,
  Conv3DTranspose,
} from "../../src/layers/conv/conv2d-transpose.js";
import { UpSampling2D } from "../../src/layers/conv/up-sampling2d.js";
import { ZeroPadding2D } from "../../src/layers/conv/zero-padding2d.js";
import { Cropping2D } from "../../src/layers/conv/cropping2d.js";
import { assertClose, randn, valuesOf } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";

// ------------------------------------------------------------------ float64 references
// Written from Keras's documented semantics (TensorFlow's padding rules), independent of the ops.

const prod = (a: readonly number[]): number => a.reduce((p, v) => p * v, 1);

/** Calls fn with every index tuple of `shape`, row-major. */
function forEachIndex(shape: readonly number[], fn: (ix: number[]) => void): void {
  const ix = new Array<number>(shape.length).fill(0);
  if (shape.some((d) => d === 0)) return;
  for (;;) {
    fn(ix);
    let a = shape.length - 1;
    while (a >= 0 && ++ix[a]! === shape[a]!) ix[a--] = 0;
    if (a < 0) return;
  }
}

function flatIndex(shape: readonly number[], ix: readonly number[]): number {
  let f = 0;
  for (let a = 0; a < shape.length; a++) f = f * shape[a]! + ix[a]!;
  return f;
}

interface RefOpts {
  strides?: number[];
  dilation?: number[];
  padding?: "valid" | "same" | "causal";
}

/** Output length and padding-before of one axis, as TensorFlow (and so Keras) defines them. */
function axisPlan(len: number, span: number, s: number, padding: string): [number, number] {
  if (padding === "valid") return [Math.floor((len - span) / s) + 1, 0];
  const out = Math.ceil(len / s);
  if (padding === "causal") return [out, span - 1];
  return [out, Math.floor(Math.max((out - 1) * s + span - len, 0) / 2)];
}

/** y[b, o…, f] = Σ x[b, o·s + k·d − pad, g·Cg + c] · w[k…, c, f], f in group g. */
function refConv(x: Tensor, w: Tensor, o: RefOpts = {}): Tensor {
  const n = x.rank - 2;
  const s = o.strides ?? new Array<number>(n).fill(1);
  const d = o.dilation ?? new Array<number>(n).fill(1);
  const padding = o.padding ?? "valid";
  const S = x.shape.slice(1, 1 + n);
  const K = w.shape.slice(0, n);
  const [Cg, O] = [w.shape[n]!, w.shape[n + 1]!];
  const Og = O / (x.shape[n + 1]! / Cg);
  const plans = S.map((len, i) => axisPlan(len, (K[i]! - 1) * d[i]! + 1, s[i]!, padding));
  const yShape = [x.shape[0]!, ...plans.map((p) => p[0]), O];
  const y = new Float64Array(prod(yShape));
  forEachIndex(yShape, (iy) => {
    const f = iy[n + 1]!;
    const g = Math.floor(f / Og);
    let acc = 0;
    forEachIndex([...K, Cg], (ik) => {
      const pos = S.map((_, i) => iy[1 + i]! * s[i]! + ik[i]! * d[i]! - plans[i]![1]);
      if (pos.some((p, i) => p < 0 || p >= S[i]!)) return;
      const xv = valuesOf(x)[flatIndex(x.shape, [iy[0]!, ...pos, g * Cg + ik[n]!])]!;
      acc += xv * valuesOf(w)[flatIndex(w.shape, [...ik.slice(0, n), ik[n]!, f])]!;
    });
    y[flatIndex(yShape, iy)] = acc;
  });
  return st.tensor(y, yShape);
}

/** Depthwise: output channel c·M + m = Σ x[…, c] · w[k…, c, m]. */
function refDepthwise(x: Tensor, w: Tensor, o: RefOpts = {}): Tensor {
  const n = x.rank - 2;
  const [C, M] = [w.shape[n]!, w.shape[n + 1]!];
  // As a grouped conv with one input channel per group: kernel (k…, 1, C·M), column c·M + m.
  const g = new Float64Array(w.size);
  forEachIndex(w.shape, (ik) => {
    g[
      flatIndex([...w.shape.slice(0, n), 1, C * M], [...ik.slice(0, n), 0, ik[n]! * M + ik[n + 1]!])
    ] = valuesOf(w)[flatIndex(w.shape, ik)]!;
  });
  return refConv(x, st.tensor(g, [...w.shape.slice(0, n), 1, C * M]), o);
}

/**
 * Transposed convolution by its definition: each input cell scatters x·w into the output,
 * y[b, i·s + k·d − pad, f] += x[b, i, c] · w[k, f, c], with Keras's output length.
 */
function refConvTranspose(
  x: Tensor,
  w: Tensor,
  o: RefOpts & { outputPadding?: number[] } = {},
): Tensor {
  const n = x.rank - 2;
  const s = o.strides ?? new Array<number>(n).fill(1);
  const d = o.dilation ?? new Array<number>(n).fill(1);
  const padding = o.padding ?? "valid";
  const S = x.shape.slice(1, 1 + n);
  const K = w.shape.slice(0, n);
  const F = w.shape[n]!;
  const outLen = S.map((len, i) => {
    const span = (K[i]! - 1) * d[i]! + 1;
    const op = o.outputPadding?.[i];
    if (op === undefined)
      return padding === "valid" ? len * s[i]! + Math.max(span - s[i]!, 0) : len * s[i]!;
    return (len - 1) * s[i]! + span - 2 * (padding === "same" ? Math.floor(span / 2) : 0) + op;
  });
  // The forward convolution from y back to x pads TF's way: half of the excess, less before.
  const pads = S.map((len, i) => {
    const span = (K[i]! - 1) * d[i]! + 1;
    return padding === "valid"
      ? 0
      : Math.floor(Math.max((len - 1) * s[i]! + span - outLen[i]!, 0) / 2);
  });
  const yShape = [x.shape[0]!, ...outLen, F];
  const y = new Float64Array(prod(yShape));
  forEachIndex(x.shape, (ix) => {
    const xv = valuesOf(x)[flatIndex(x.shape, ix)]!;
    forEachIndex([...K, F], (ik) => {
      const pos = S.map((_, i) => ix[1 + i]! * s[i]! + ik[i]! * d[i]! - pads[i]!);
      if (pos.some((p, i) => p < 0 || p >= outLen[i]!)) return;
      const wv = valuesOf(w)[flatIndex(w.shape, [...ik.slice(0, n), ik[n]!, ix[n + 1]!])]!;
      const at = flatIndex(yShape, [ix[0]!, ...pos, ik[n]!]);
      y[at] = y[at]! + xv * wv;
    });
  });
  return st.tensor(y, yShape);
}

/** Adds a per-channel bias to the last axis. */
function plusBias(y: Tensor, b: Tensor): Tensor {
  const out = Float64Array.from(y.dataSync(), (v, i) => v + valuesOf(b)[i % b.size]!);
  return st.tensor(out, y.shape);
}

function float64<L extends st.layers.Layer>(layer: L, x: Tensor): L {
  layer.apply(x);
  return layer;
}

// ------------------------------------------------------------------ Keras 3.16's own configs

const GLOROT = {
  module: "keras.initializers",
  class_name: "GlorotUniform",
  config: { seed: null, input_axes: null, output_axes: null },
  registered_name: null,
};
const ZEROS = {
  module: "keras.initializers",
  class_name: "Zeros",
  config: {},
  registered_name: null,
};

/**
 * Keras 3.16's config of a layer, as conv_zoo.keras and seq.keras store it: the common head, the
 * fields (JSON, copied from the fixture), `*_initializer` keys listed in `glorot` (the rest Zeros)
 * and the keys listed in `nulls` set to null.
 */
function kerasConfig(
  name: string,
  fields: string,
  glorot: string,
  nulls: string,
): Record<string, unknown> {
  const config: Record<string, unknown> = {
    name,
    trainable: true,
    dtype: {
      module: "keras",
      class_name: "DTypePolicy",
      config: { name: "float32" },
      registered_name: null,
    },
    ...(JSON.parse(fields) as Record<string, unknown>),
  };
  for (const k of glorot.split(" ")) if (k) config[k] = GLOROT;
  config.bias_initializer = ZEROS;
  for (const k of nulls.split(" ")) if (k) config[k] = null;
  return config;
}

/**
 * Compares a config with Keras's, leaving out the `input_axes` / `output_axes` fields that Keras
 * 3.16 added to variance-scaling initializer configs (written by src/nn/initializers.ts, not here).
 */
function assertKerasConfig(
  actual: Record<string, unknown>,
  expected: Record<string, unknown>,
): void {
  const strip = (c: Record<string, unknown>): Record<string, unknown> =>
    JSON.parse(JSON.stringify(c), (k, v: unknown) =>
      k === "input_axes" || k === "output_axes" ? undefined : v,
    ) as Record<string, unknown>;
  assert.deepEqual(strip(actual), strip(expected));
}

const CONV_NULLS =
  "kernel_regularizer bias_regularizer activity_regularizer kernel_constraint bias_constraint";

describe("Conv1D / Conv2D / Conv3D", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new Conv2D(3, 3, { activation: "tanh", dtype }), {
      inputShape: [2, 5, 5, 2],
      expectedOutputShape: [2, 3, 3, 3],
      expectedNumTrainableWeights: 2,
      expectedWeightShapes: [[3, 3, 2, 3], [3]],
    });
    runLayerTest(
      (dtype) => new Conv2D(2, [2, 3], { strides: 2, padding: "same", useBias: false, dtype }),
      {
        inputShape: [2, 5, 6, 3],
        expectedOutputShape: [2, 3, 3, 2],
        expectedWeightShapes: [[2, 3, 3, 2]],
      },
    );
    runLayerTest(
      (dtype) => new Conv2D(4, 2, { dilationRate: 2, groups: 2, activation: "elu", dtype }),
      {
        inputShape: [2, 5, 5, 2],
        expectedOutputShape: [2, 3, 3, 4],
        expectedWeightShapes: [[2, 2, 1, 4], [4]],
      },
    );
    runLayerTest((dtype) => new Conv1D(3, 3, { padding: "causal", dilationRate: 2, dtype }), {
      inputShape: [2, 6, 2],
      expectedOutputShape: [2, 6, 3],
      expectedWeightShapes: [[3, 2, 3], [3]],
    });
    runLayerTest((dtype) => new Conv1D(2, 2, { strides: 2, activation: "sigmoid", dtype }), {
      inputShape: [2, 5, 3],
      expectedOutputShape: [2, 2, 2],
    });
    runLayerTest((dtype) => new Conv3D(2, [2, 2, 2], { padding: "same", dtype }), {
      inputShape: [2, 3, 3, 3, 2],
      expectedOutputShape: [2, 3, 3, 3, 2],
      expectedWeightShapes: [[2, 2, 2, 2, 2], [2]],
    });
  });

  it("computes what a naive float64 convolution computes", () => {
    const cases: [
      st.layers.Layer & { kernel: st.Variable; bias: st.Variable | null },
      number[],
      RefOpts,
    ][] = [
      [new Conv2D(3, 3, { dtype: "float64" }), [2, 6, 5, 2], {}],
      [
        new Conv2D(2, [3, 2], { strides: [2, 1], padding: "same", dtype: "float64" }),
        [2, 6, 5, 3],
        { strides: [2, 1], padding: "same" },
      ],
      [
        new Conv2D(2, 2, { strides: 2, padding: "same", dtype: "float64" }),
        [1, 5, 5, 1],
        { strides: [2, 2], padding: "same" },
      ],
      [
        new Conv2D(4, 2, { dilationRate: [2, 1], groups: 2, dtype: "float64" }),
        [2, 6, 5, 4],
        { dilation: [2, 1] },
      ],
      [
        new Conv1D(3, 3, { padding: "causal", dilationRate: 2, dtype: "float64" }),
        [2, 7, 2],
        { padding: "causal", dilation: [2] },
      ],
      [
        new Conv1D(2, 4, { strides: 3, padding: "same", dtype: "float64" }),
        [2, 8, 2],
        { strides: [3], padding: "same" },
      ],
      [new Conv3D(2, [2, 3, 2], { dtype: "float64" }), [1, 3, 4, 3, 2], {}],
    ];
    cases.forEach(([layer, shape, opts], i) => {
      const x = randn(shape, 40 + i);
      float64(layer, x);
      const kernel = randn([...layer.kernel.shape], 60 + i);
      const bias = randn([...layer.bias!.shape], 80 + i);
      layer.setWeights([kernel, bias]);
      assertClose(layer.apply(x), plusBias(refConv(x, kernel, opts), bias), {
        rtol: 1e-10,
        atol: 1e-10,
      });
    });
  });

  it("infers shapes with unknown axes, as Keras's compute_conv_output_shape", () => {
    const sym = new Conv2D(8, 3).apply(Input({ shape: [null, null, 3] }));
    assert.deepEqual(sym.shape, [null, null, null, 8]);
    assert.deepEqual(new Conv2D(8, 3, { strides: 2 }).apply(Input({ shape: [9, null, 3] })).shape, [
      null,
      4,
      null,
      8,
    ]);
    assert.deepEqual(new Conv1D(4, 5, { padding: "causal" }).computeOutputShape([null, 7, 2]), [
      null,
      7,
      4,
    ]);
    assert.deepEqual(
      new Conv1D(4, 3, { strides: 2, padding: "same" }).computeOutputShape([3, 7, 2]),
      [3, 4, 4],
    );
    assert.deepEqual(new Conv2D(1, 3, { dilationRate: 3 }).computeOutputShape([null, 7, 8, 2]), [
      null,
      1,
      2,
      1,
    ]);
    assert.deepEqual(
      new Conv3D(2, [1, 2, 3], { strides: [1, 2, 3] }).computeOutputShape([null, 4, 5, 9, 1]),
      [null, 4, 2, 3, 2],
    );
  });

  it("counts the book's MNIST convnet parameters", () => {
    // Input 28×28×1 → Conv2D(32,3) → MaxPooling2D(2) → Conv2D(64,3) → MaxPooling2D(2) → Conv2D(128,3)
    // → Flatten → Dense(10): 320 + 18,496 + 73,856 + 11,530 = 104,202.
    const convs = [32, 64, 128].map((f) => new Conv2D(f, 3, { activation: "relu" }));
    let x = convs[0]!.apply(Input({ shape: [28, 28, 1] }));
    assert.deepEqual(x.shape, [null, 26, 26, 32]);
    x = convs[1]!.apply(new MaxPooling2D({ poolSize: 2 }).apply(x));
    assert.deepEqual(x.shape, [null, 11, 11, 64]);
    x = convs[2]!.apply(new MaxPooling2D({ poolSize: 2 }).apply(x));
    assert.deepEqual(x.shape, [null, 3, 3, 128]);
    const counts = convs.map((l) => l.countParams());
    assert.deepEqual(counts, [320, 18496, 73856]);
    const dense = new Dense(10, { activation: "softmax" });
    dense.apply(Input({ shape: [3 * 3 * 128] }));
    assert.equal(counts.reduce((a, b) => a + b) + dense.countParams(), 104202);
  });

  it("writes Keras 3's configs", () => {
    const zoo = new Conv2D(6, 3, { strides: 2, padding: "same", useBias: false, name: "conv2d_3" });
    assertKerasConfig(
      zoo.getConfig(),
      kerasConfig(
        "conv2d_3",
        `{"filters": 6, "kernel_size": [3, 3], "strides": [2, 2], "padding": "same",
          "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
          "activation": "linear", "use_bias": false}`,
        "kernel_initializer",
        CONV_NULLS,
      ),
    );
    const seq = new Conv1D(4, 3, { padding: "causal", activation: "relu", name: "conv1d" });
    assertKerasConfig(
      seq.getConfig(),
      kerasConfig(
        "conv1d",
        `{"filters": 4, "kernel_size": [3], "strides": [1], "padding": "causal",
          "data_format": "channels_last", "dilation_rate": [1], "groups": 1,
          "activation": "relu", "use_bias": true}`,
        "kernel_initializer",
        CONV_NULLS,
      ),
    );
    // Keras's config (as read from a .keras file) makes the same layer.
    const back = Conv2D.fromConfig(zoo.getConfig());
    assert.deepEqual(back.kernelSize, [3, 3]);
    assert.equal(back.padding, "same");
    const withReg = new Conv2D(2, 1, { kernelRegularizer: "l2", activityRegularizer: "l1" });
    const cfg = withReg.getConfig();
    assert.equal((cfg.kernel_regularizer as { class_name: string }).class_name, "L2");
    assert.equal((cfg.activity_regularizer as { class_name: string }).class_name, "L1");
    assert.deepEqual(Conv2D.fromConfig(cfg).getConfig(), cfg);
  });

  it("rejects bad arguments and inputs, naming the layer and the shape", () => {
    assert.throws(() => new Conv2D(-3, 3, { name: "c" }), {
      name: "ValueError",
      message: 'Layer "c" (Conv2D): filters must be a positive integer; received filters=-3',
    });
    assert.throws(
      () => new Conv2D(4, [3, 0]),
      /kernelSize must be an integer or a list of 2 integers/,
    );
    assert.throws(() => new Conv2D(4, [3, 3, 3]), /received kernelSize=\[3,3,3\]/);
    assert.throws(
      () => new Conv2D(4, 3, { padding: "causal" as "same" }),
      /padding must be "valid" or "same"; received padding="causal"/,
    );
    assert.throws(
      () => new Conv2D(4, 3, { dataFormat: "channels_first" }),
      /only dataFormat "channels_last"/,
    );
    assert.throws(
      () => new Conv2D(4, 3, { strides: 2, dilationRate: 2 }),
      /strides > 1 is not supported together with dilationRate > 1/,
    );
    assert.throws(() => new Conv2D(3, 3, { groups: 2 }), /filters must be divisible by groups/);
    assert.throws(
      () => new Conv2D(4, 3, { groups: 2 }).apply(Input({ shape: [5, 5, 3] })),
      /input channels must be divisible by groups/,
    );
    // A kernel larger than a "valid" input fails when the model is declared.
    assert.throws(() => new Conv2D(4, 5, { name: "big" }).apply(Input({ shape: [4, 8, 1] })), {
      name: "ValueError",
      message:
        /^Layer "big" \(Conv2D\): the kernel \(spanning 5\) is larger than the input .*received input shape \(None, 4, 8, 1\)/,
    });
    assert.throws(
      () => new Conv2D(4, 3, { dilationRate: 3 }).apply(st.zeros([1, 6, 6, 1])),
      /spanning 7/,
    );
    // Wrong input rank.
    assert.throws(() => new Conv2D(4, 3, { name: "r" }).apply(Input({ shape: [5, 3] })), {
      name: "ValueError",
      message:
        'Layer "r" (Conv2D): expected inputs of rank 4 (batch, height, width, channels); received shape (None, 5, 3)',
    });
    assert.throws(
      () => new Conv1D(4, 3).apply(st.zeros([2, 5, 5, 1])),
      /expected inputs of rank 3 \(batch, steps, channels\)/,
    );
    assert.throws(
      () => new Conv2D(4, 3).apply(Input({ shape: [5, 5, null] })),
      /channel axis \(last\) of the inputs must be known/,
    );
    const c = new Conv2D(2, 3, { name: "cc" });
    c.apply(st.zeros([1, 5, 5, 2]));
    assert.throws(() => c.apply(st.zeros([1, 5, 5, 3])), {
      message: /^Layer "cc" \(Conv2D\): expected inputs with 2 channels/,
    });
  });

  it("adds kernel regularization and constraints like Dense", () => {
    const c = new Conv2D(1, 1, {
      kernelInitializer: "ones",
      kernelRegularizer: new st.regularizers.L2(0.5),
    });
    c.apply(st.zeros([1, 2, 2, 2]));
    assertClose(st.ops.add(c.losses[0]!, 0), [1]);
  });
});

describe("SeparableConv1D / SeparableConv2D", () => {
  it("passes the layer test", () => {
    runLayerTest(
      (dtype) => new SeparableConv2D(3, 3, { depthMultiplier: 2, activation: "tanh", dtype }),
      {
        inputShape: [2, 5, 5, 2],
        expectedOutputShape: [2, 3, 3, 3],
        expectedWeightShapes: [[3, 3, 2, 2], [1, 1, 4, 3], [3]],
      },
    );
    runLayerTest(
      (dtype) => new SeparableConv2D(2, 2, { strides: 2, padding: "same", useBias: false, dtype }),
      {
        inputShape: [2, 5, 5, 3],
        expectedOutputShape: [2, 3, 3, 2],
        expectedWeightShapes: [
          [2, 2, 3, 1],
          [1, 1, 3, 2],
        ],
      },
    );
    runLayerTest(
      (dtype) => new SeparableConv1D(2, 3, { dilationRate: 2, padding: "same", dtype }),
      {
        inputShape: [2, 6, 2],
        expectedOutputShape: [2, 6, 2],
        expectedWeightShapes: [[3, 2, 1], [1, 2, 2], [2]],
      },
    );
  });

  it("is a depthwise convolution followed by a pointwise one", () => {
    const x = randn([2, 6, 5, 2], 1);
    const layer = float64(
      new SeparableConv2D(3, [3, 2], {
        depthMultiplier: 2,
        padding: "same",
        strides: 2,
        dtype: "float64",
      }),
      x,
    );
    const [dw, pw, b] = [randn([3, 2, 2, 2], 2), randn([1, 1, 4, 3], 3), randn([3], 4)];
    layer.setWeights([dw, pw, b]);
    const mid = refDepthwise(x, dw, { padding: "same", strides: [2, 2] });
    assertClose(layer.apply(x), plusBias(refConv(mid, pw), b), { rtol: 1e-10, atol: 1e-10 });
    assert.deepEqual(
      layer.weights.map((w) => w.name.split("/").at(-1)),
      ["depthwise_kernel", "pointwise_kernel", "bias"],
    );
  });

  it("writes Keras 3's config", () => {
    const l = new SeparableConv2D(6, 3, {
      strides: 2,
      padding: "same",
      activation: "elu",
      name: "separable_conv2d",
    });
    assertKerasConfig(
      l.getConfig(),
      kerasConfig(
        "separable_conv2d",
        `{"depth_multiplier": 1, "filters": 6, "kernel_size": [3, 3], "strides": [2, 2],
          "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1],
          "activation": "elu", "use_bias": true}`,
        "depthwise_initializer pointwise_initializer",
        "depthwise_regularizer pointwise_regularizer bias_regularizer activity_regularizer " +
          "depthwise_constraint pointwise_constraint bias_constraint",
      ),
    );
    assert.throws(
      () => new SeparableConv1D(2, 3, { padding: "causal" as "same" }),
      /received padding="causal"/,
    );
    assert.throws(
      () => new SeparableConv2D(2, 3, { depthMultiplier: 0 }),
      /depthMultiplier must be a positive integer; received depthMultiplier=0/,
    );
    assert.throws(
      () => new SeparableConv2D(2, 3).apply(Input({ shape: [2, 5, 1] })),
      /larger than the input/,
    );
  });
});

describe("DepthwiseConv1D / DepthwiseConv2D", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new DepthwiseConv2D(3, { depthMultiplier: 2, dtype }), {
      inputShape: [2, 5, 5, 2],
      expectedOutputShape: [2, 3, 3, 4],
      expectedWeightShapes: [[3, 3, 2, 2], [4]],
    });
    runLayerTest(
      (dtype) =>
        new DepthwiseConv2D([2, 3], {
          padding: "same",
          strides: [2, 1],
          activation: "tanh",
          useBias: false,
          dtype,
        }),
      {
        inputShape: [2, 5, 4, 3],
        expectedOutputShape: [2, 3, 4, 3],
        expectedWeightShapes: [[2, 3, 3, 1]],
      },
    );
    runLayerTest(
      (dtype) => new DepthwiseConv1D(2, { dilationRate: 2, depthMultiplier: 3, dtype }),
      {
        inputShape: [2, 6, 2],
        expectedOutputShape: [2, 4, 6],
        expectedWeightShapes: [[2, 2, 3], [6]],
      },
    );
  });

  it("convolves each channel with its own filters (output channel c·M + m)", () => {
    const x = randn([2, 6, 6, 3], 5);
    const layer = float64(
      new DepthwiseConv2D(3, {
        depthMultiplier: 2,
        dilationRate: 2,
        padding: "same",
        dtype: "float64",
      }),
      x,
    );
    const [k, b] = [randn([3, 3, 3, 2], 6), randn([6], 7)];
    layer.setWeights([k, b]);
    assertClose(
      layer.apply(x),
      plusBias(refDepthwise(x, k, { padding: "same", dilation: [2, 2] }), b),
      { rtol: 1e-10, atol: 1e-10 },
    );
    assert.deepEqual(
      layer.weights.map((w) => w.name.split("/").at(-1)),
      ["kernel", "bias"],
    );
    assert.deepEqual(
      new DepthwiseConv2D(3, { depthMultiplier: 2 }).apply(Input({ shape: [null, 7, 3] })).shape,
      [null, null, 5, 6],
    );
  });

  it("writes Keras 3's config", () => {
    const l = new DepthwiseConv2D(3, {
      depthMultiplier: 2,
      padding: "same",
      name: "depthwise_conv2d",
    });
    assertKerasConfig(
      l.getConfig(),
      kerasConfig(
        "depthwise_conv2d",
        `{"depth_multiplier": 2, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same",
          "data_format": "channels_last", "dilation_rate": [1, 1], "activation": "linear",
          "use_bias": true}`,
        "depthwise_initializer",
        "depthwise_regularizer bias_regularizer activity_regularizer depthwise_constraint " +
          "bias_constraint",
      ),
    );
    assert.throws(
      () => new DepthwiseConv2D(3).apply(Input({ shape: [5, 5] })),
      /expected inputs of rank 4/,
    );
  });
});

describe("Conv1DTranspose / Conv2DTranspose / Conv3DTranspose", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new Conv2DTranspose(2, 3, { strides: 2, padding: "same", dtype }), {
      inputShape: [2, 3, 3, 2],
      expectedOutputShape: [2, 6, 6, 2],
      expectedWeightShapes: [[3, 3, 2, 2], [2]],
    });
    runLayerTest(
      (dtype) => new Conv2DTranspose(3, [2, 3], { strides: [2, 1], activation: "tanh", dtype }),
      {
        inputShape: [2, 3, 3, 2],
        expectedOutputShape: [2, 6, 5, 3],
        expectedWeightShapes: [[2, 3, 3, 2], [3]],
      },
    );
    runLayerTest(
      (dtype) => new Conv2DTranspose(2, 3, { strides: 2, outputPadding: 1, useBias: false, dtype }),
      {
        inputShape: [2, 3, 3, 2],
        expectedOutputShape: [2, 8, 8, 2],
      },
    );
    runLayerTest(
      (dtype) => new Conv1DTranspose(2, 3, { dilationRate: 2, padding: "same", dtype }),
      {
        inputShape: [2, 4, 3],
        expectedOutputShape: [2, 4, 2],
      },
    );
    runLayerTest((dtype) => new Conv3DTranspose(2, 2, { strides: 2, dtype }), {
      inputShape: [1, 2, 2, 2, 2],
      expectedOutputShape: [1, 4, 4, 4, 2],
      expectedWeightShapes: [[2, 2, 2, 2, 2], [2]],
    });
  });

  it("scatters each input cell through the kernel (Keras's output lengths and padding)", () => {
    const cases: [
      Conv2DTranspose | Conv1DTranspose,
      number[],
      RefOpts & { outputPadding?: number[] },
    ][] = [
      [
        new Conv2DTranspose(2, 3, { strides: 2, padding: "same", dtype: "float64" }),
        [2, 3, 4, 3],
        { strides: [2, 2], padding: "same" },
      ],
      [
        new Conv2DTranspose(3, [2, 3], { strides: [3, 2], dtype: "float64" }),
        [1, 3, 3, 2],
        { strides: [3, 2] },
      ],
      [
        new Conv2DTranspose(2, 4, { strides: 2, padding: "same", dtype: "float64" }),
        [1, 3, 3, 1],
        { strides: [2, 2], padding: "same" },
      ],
      [
        new Conv2DTranspose(2, 3, {
          strides: 2,
          padding: "same",
          outputPadding: [0, 1],
          dtype: "float64",
        }),
        [1, 3, 3, 2],
        { strides: [2, 2], padding: "same", outputPadding: [0, 1] },
      ],
      [
        new Conv2DTranspose(1, 3, {
          strides: 3,
          padding: "valid",
          outputPadding: 2,
          dtype: "float64",
        }),
        [1, 2, 3, 2],
        { strides: [3, 3], outputPadding: [2, 2] },
      ],
      [
        new Conv1DTranspose(2, 3, { dilationRate: 2, dtype: "float64" }),
        [2, 4, 2],
        { dilation: [2] },
      ],
    ];
    cases.forEach(([layer, shape, opts], i) => {
      const x = randn(shape, 90 + i);
      float64(layer, x);
      const [k, b] = [
        randn([...layer.kernel.shape], 100 + i),
        randn([...layer.bias!.shape], 110 + i),
      ];
      layer.setWeights([k, b]);
      const got = layer.apply(x);
      assertClose(got, plusBias(refConvTranspose(x, k, opts), b), { rtol: 1e-10, atol: 1e-10 });
      assert.deepEqual(layer.computeOutputShape([null, ...shape.slice(1)]), [
        null,
        ...got.shape.slice(1),
      ]);
    });
  });

  it("infers shapes with unknown axes and writes Keras 3's config", () => {
    assert.deepEqual(
      new Conv2DTranspose(4, 3, { strides: 2 }).apply(Input({ shape: [null, 5, 2] })).shape,
      [null, null, 11, 4],
    );
    const l = new Conv2DTranspose(4, 3, { strides: 2, padding: "same", name: "conv2d_transpose" });
    assertKerasConfig(
      l.getConfig(),
      kerasConfig(
        "conv2d_transpose",
        `{"filters": 4, "kernel_size": [3, 3], "strides": [2, 2], "padding": "same",
          "output_padding": null, "data_format": "channels_last", "dilation_rate": [1, 1],
          "activation": "linear", "use_bias": true}`,
        "kernel_initializer",
        CONV_NULLS,
      ),
    );
    assert.deepEqual(
      new Conv2DTranspose(1, 3, { strides: 2, outputPadding: 1 }).getConfig().output_padding,
      [1, 1],
    );
    assert.throws(
      () => new Conv2DTranspose(1, 3, { strides: 2, outputPadding: 2 }),
      /outputPadding must be smaller than strides/,
    );
    assert.throws(
      () => new Conv2DTranspose(1, 3).apply(Input({ shape: [4, 4, 1, 1] })),
      /expected inputs of rank 4/,
    );
  });
});

describe("UpSampling2D", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new UpSampling2D({ dtype }), {
      inputShape: [2, 3, 2, 2],
      expectedOutputShape: [2, 6, 4, 2],
      expectedNumTrainableWeights: 0,
    });
    runLayerTest((dtype) => new UpSampling2D({ size: [3, 1], interpolation: "bilinear", dtype }), {
      inputShape: [2, 3, 3, 2],
      expectedOutputShape: [2, 9, 3, 2],
    });
    for (const interpolation of ["bicubic", "lanczos3"] as const) {
      runLayerTest((dtype) => new UpSampling2D({ size: [2, 3], interpolation, dtype }), {
        inputShape: [2, 3, 2, 2],
        expectedOutputShape: [2, 6, 6, 2],
        expectedNumTrainableWeights: 0,
      });
    }
  });

  it("repeats pixels (nearest) or interpolates them with half-pixel centres (bilinear)", () => {
    const x = st.tensor([
      [
        [[1], [2]],
        [[3], [4]],
      ],
    ]);
    assertClose(new UpSampling2D({ size: [2, 3] }).apply(x), [
      [
        [[1], [1], [1], [2], [2], [2]],
        [[1], [1], [1], [2], [2], [2]],
        [[3], [3], [3], [4], [4], [4]],
        [[3], [3], [3], [4], [4], [4]],
      ],
    ]);
    // 1-D along the width: samples at (j + ½)/2 − ½ = −¼, ¼, ¾, 1¼ → clamp, lerp, lerp, clamp.
    const row = new UpSampling2D({ size: [1, 2], interpolation: "bilinear" }).apply(
      st.tensor([[[[0], [4]]]]),
    );
    assertClose(row, [[[[0], [1], [3], [4]]]]);
    // Against a float64 reference over both axes.
    const img = randn([2, 3, 4, 2], 3);
    const ref = new Float64Array(2 * 6 * 8 * 2);
    const at = (n: number, j: number, f: number): [number, number, number] => {
      const s = Math.min(Math.max((j + 0.5) / f - 0.5, 0), n - 1);
      const lo = Math.floor(s);
      return [lo, Math.min(lo + 1, n - 1), s - lo];
    };
    forEachIndex([2, 6, 8, 2], ([b, i, j, c]) => {
      const [h0, h1, th] = at(3, i!, 2);
      const [w0, w1, tw] = at(4, j!, 2);
      const v = (h: number, w: number): number =>
        valuesOf(img)[flatIndex(img.shape, [b!, h, w, c!])]!;
      ref[flatIndex([2, 6, 8, 2], [b!, i!, j!, c!])] =
        (1 - th) * ((1 - tw) * v(h0, w0) + tw * v(h0, w1)) +
        th * ((1 - tw) * v(h1, w0) + tw * v(h1, w1));
    });
    assertClose(
      new UpSampling2D({ interpolation: "bilinear" }).apply(img),
      st.tensor(ref, [2, 6, 8, 2]),
      { rtol: 1e-12, atol: 1e-12 },
    );
  });

  // Keras's TF/JAX resize with antialias=False, written out densely: output j samples the input
  // at s = (j + ½)/f − ½ and weights every input i by k(s − i) / Σᵢ k(s − i) over 0 ≤ i < n.
  const keys = (x: number): number => {
    const t = Math.abs(x);
    if (t < 1) return 1.5 * t ** 3 - 2.5 * t ** 2 + 1;
    return t < 2 ? -0.5 * t ** 3 + 2.5 * t ** 2 - 4 * t + 2 : 0;
  };
  const sinc = (x: number): number => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));
  const lanczosK =
    (a: number) =>
    (x: number): number =>
      Math.abs(x) < a ? sinc(x) * sinc(x / a) : 0;
  const weightMatrix = (n: number, f: number, k: (x: number) => number): number[][] =>
    Array.from({ length: n * f }, (_, j) => {
      const s = (j + 0.5) / f - 0.5;
      const row = Array.from({ length: n }, (_, i) => k(s - i));
      const total = row.reduce((p, v) => p + v, 0);
      return row.map((v) => v / total);
    });
  const resizeRef = (x: Tensor, f: number, g: number, k: (x: number) => number): Tensor => {
    const [B, H, W, C] = x.shape as [number, number, number, number];
    const wh = weightMatrix(H, f, k);
    const ww = weightMatrix(W, g, k);
    const out = new Float64Array(B * H * f * W * g * C);
    forEachIndex([B, H * f, W * g, C], ([b, i, j, c]) => {
      let acc = 0;
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++)
          acc +=
            wh[i!]![h]! * ww[j!]![w]! * (valuesOf(x)[flatIndex(x.shape, [b!, h, w, c!])] as number);
      out[flatIndex([B, H * f, W * g, C], [b!, i!, j!, c!])] = acc;
    });
    return st.tensor(out, [B, H * f, W * g, C]);
  };

  it("resizes with Keys cubic and Lanczos kernels like Keras's TF and JAX backends", () => {
    // Hand check, row [0, 4] doubled: s = −¼, ¼, ¾, 1¼. Keys (a = −½) gives k(¼) = 111/128,
    // k(¾) = 29/128, k(1¼) = −9/128. Outside taps drop and the rest are renormalised:
    //   j=0: 4·(−9)/(111 − 9) = −6/17     j=1: 4·29/(111 + 29) = 29/35
    //   j=2: 4·111/140 = 111/35           j=3: 4·111/102 = 74/17
    const row = new UpSampling2D({ size: [1, 2], interpolation: "bicubic" }).apply(
      st.tensor([[[[0], [4]]]], undefined, "float64"),
    );
    assertClose(row, [[[[-6 / 17], [29 / 35], [111 / 35], [74 / 17]]]], { rtol: 1e-12 });
    const img = randn([2, 3, 4, 2], 5);
    const kernels = { bicubic: keys, lanczos3: lanczosK(3), lanczos5: lanczosK(5) };
    for (const [interpolation, k] of Object.entries(kernels)) {
      const layer = new UpSampling2D({ size: [2, 3], interpolation: interpolation as "bicubic" });
      assertClose(layer.apply(img), resizeRef(img, 2, 3, k), { rtol: 1e-12, atol: 1e-12 });
    }
    // Integer inputs are resized in the layer's float dtype.
    const ints = new UpSampling2D({ interpolation: "lanczos3" }).apply(
      st.tensor([[[[1], [2]]]], undefined, "int32"),
    );
    assert.equal(ints.dtype, "float32");
  });

  it("treats area as nearest for integer factors, in floating point", () => {
    const img = randn([2, 3, 4, 2], 6);
    assertClose(
      new UpSampling2D({ size: [2, 3], interpolation: "area" }).apply(img),
      new UpSampling2D({ size: [2, 3] }).apply(img),
      { rtol: 0, atol: 0 },
    );
    const ints = st.tensor([[[[1], [2]]]], undefined, "int32");
    const area = new UpSampling2D({ interpolation: "area" }).apply(ints);
    assert.equal(area.dtype, "float32");
    assertClose(area, [
      [
        [[1], [1], [2], [2]],
        [[1], [1], [2], [2]],
      ],
    ]);
  });

  it("infers shapes, writes Keras's config and rejects what it does not do", () => {
    assert.deepEqual(new UpSampling2D({ size: 3 }).apply(Input({ shape: [null, 4, 2] })).shape, [
      null,
      null,
      12,
      2,
    ]);
    const up = new UpSampling2D({ name: "up" });
    const head = { name: "up", trainable: true, dtype: kerasConfig("", "{}", "", "").dtype };
    assert.deepEqual(up.getConfig(), {
      ...head,
      ...(JSON.parse(
        `{"size": [2, 2], "data_format": "channels_last", "interpolation": "nearest"}`,
      ) as object),
    });
    for (const interpolation of ["bicubic", "lanczos3", "lanczos5", "area"] as const) {
      const config = new UpSampling2D({ interpolation, size: [2, 3] }).getConfig();
      assert.equal(config.interpolation, interpolation);
      assert.deepEqual(UpSampling2D.fromConfig(config).getConfig(), config);
    }
    assert.equal(
      new UpSampling2D({ interpolation: "BICUBIC" as "bicubic" }).interpolation,
      "bicubic",
    );
    assert.throws(
      () => new UpSampling2D({ interpolation: "gaussian" as "bicubic" }),
      (e: Error) =>
        e instanceof st.ValueError &&
        /interpolation "gaussian" is not a Keras interpolation/.test(e.message) &&
        /"nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area"/.test(e.message),
    );
    assert.throws(() => new UpSampling2D({ size: 0 }), /received size=0/);
    assert.throws(
      () => new UpSampling2D().apply(Input({ shape: [4, 2] })),
      /expected inputs of rank 4/,
    );
    assert.equal(new UpSampling2D().apply(st.tensor([[[[1]]]], undefined, "int32")).dtype, "int32");
  });
});

describe("ZeroPadding2D / Cropping2D", () => {
  it("pass the layer test", () => {
    runLayerTest((dtype) => new ZeroPadding2D({ dtype }), {
      inputShape: [2, 3, 2, 2],
      expectedOutputShape: [2, 5, 4, 2],
    });
    runLayerTest(
      (dtype) =>
        new ZeroPadding2D({
          padding: [
            [1, 0],
            [0, 2],
          ],
          dtype,
        }),
      { inputShape: [2, 3, 2, 2], expectedOutputShape: [2, 4, 4, 2] },
    );
    runLayerTest((dtype) => new Cropping2D({ cropping: 1, dtype }), {
      inputShape: [2, 5, 4, 2],
      expectedOutputShape: [2, 3, 2, 2],
    });
    runLayerTest(
      (dtype) =>
        new Cropping2D({
          cropping: [
            [0, 2],
            [1, 0],
          ],
          dtype,
        }),
      { inputShape: [2, 5, 4, 2], expectedOutputShape: [2, 3, 3, 2] },
    );
  });

  it("pad with zeros and crop the edges as Keras documents", () => {
    const x = st.tensor([
      [
        [[1], [2]],
        [[3], [4]],
      ],
    ]);
    assertClose(new ZeroPadding2D({ padding: [1, 0] }).apply(x), [
      [
        [[0], [0]],
        [[1], [2]],
        [[3], [4]],
        [[0], [0]],
      ],
    ]);
    assertClose(
      new ZeroPadding2D({
        padding: [
          [0, 1],
          [2, 0],
        ],
      }).apply(x),
      [
        [
          [[0], [0], [1], [2]],
          [[0], [0], [3], [4]],
          [[0], [0], [0], [0]],
        ],
      ],
    );
    const img = st.ops.reshape(st.arange(20), [1, 4, 5, 1]);
    assertClose(
      new Cropping2D({
        cropping: [
          [1, 2],
          [0, 3],
        ],
      }).apply(img),
      [[[[5], [6]]]],
    );
    assertClose(new Cropping2D({ cropping: [1, 2] }).apply(img), [[[[7]], [[12]]]]);
  });

  it("infer shapes with unknown axes, write Keras's configs, reject bad arguments", () => {
    assert.deepEqual(
      new ZeroPadding2D({ padding: 2 }).apply(Input({ shape: [null, 3, 1] })).shape,
      [null, null, 7, 1],
    );
    assert.deepEqual(
      new Cropping2D({ cropping: [1, 0] }).apply(Input({ shape: [5, null, 1] })).shape,
      [null, 3, null, 1],
    );
    const dtype = kerasConfig("", "{}", "", "").dtype;
    assert.deepEqual(new ZeroPadding2D({ name: "zp" }).getConfig(), {
      ...{ name: "zp", trainable: true, dtype },
      ...{
        padding: [
          [1, 1],
          [1, 1],
        ],
        data_format: "channels_last",
      },
    });
    assert.deepEqual(new Cropping2D({ name: "cr" }).getConfig(), {
      ...{ name: "cr", trainable: true, dtype },
      ...{
        cropping: [
          [0, 0],
          [0, 0],
        ],
        data_format: "channels_last",
      },
    });
    assert.throws(
      () => new ZeroPadding2D({ padding: [1, 2, 3] }),
      /padding must be an integer, a list of 2 integers .* received padding=\[1,2,3\]/,
    );
    assert.throws(() => new Cropping2D({ cropping: -1 }), /received cropping=-1/);
    assert.throws(
      () => new Cropping2D({ cropping: [2, 0], name: "cr2" }).apply(Input({ shape: [4, 4, 1] })),
      {
        message:
          /^Layer "cr2" \(Cropping2D\): cropping must leave part of each spatial axis; received cropping=\[\[2,2\],\[0,0\]\] for inputs of shape \(None, 4, 4, 1\)/,
      },
    );
    assert.throws(
      () => new ZeroPadding2D().apply(st.zeros([2, 3, 3])),
      /expected inputs of rank 4/,
    );
    assert.equal(
      new ZeroPadding2D().apply(st.tensor([[[[1]]]], undefined, "int32")).dtype,
      "int32",
    );
  });
});
