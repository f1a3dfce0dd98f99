import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { Activation } from "../../src/layers/core/activation.js";
import { Dropout } from "../../src/layers/core/dropout.js";
import { Flatten } from "../../src/layers/core/flatten.js";
import { Input } from "../../src/layers/core/input.js";
import { Permute } from "../../src/layers/core/permute.js";
import { RepeatVector } from "../../src/layers/core/repeat-vector.js";
import { Reshape } from "../../src/layers/core/reshape.js";
import { maskOf } from "../../src/layers/layer.js";
import { assertClose, randn } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";

const flat = (t: Tensor): number[] => Array.from(t.dataSync(), Number);

describe("Activation", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new Activation("tanh", { dtype }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
      expectedNumTrainableWeights: 0,
    });
    runLayerTest((dtype) => new Activation("softmax", { dtype }), {
      inputShape: [3, 5],
      expectedOutputShape: [3, 5],
    });
  });

  it("computes softmax over the last axis like a float64 reference", () => {
    const x = randn([2, 3, 4], 5);
    const y = new Activation("softmax").apply(x);
    const xs = flat(x);
    const ref: number[] = [];
    for (let r = 0; r < 6; r++) {
      const row = xs.slice(r * 4, r * 4 + 4);
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      ref.push(...e.map((v) => v / s));
    }
    assertClose(y, ref, { rtol: 1e-12, atol: 1e-12 });
    assert.equal(y.dtype, "float64");
  });

  it("writes activations by Keras name, functions included", () => {
    assert.equal(new Activation("relu").getConfig().activation, "relu");
    assert.equal(new Activation(st.ops.gelu).getConfig().activation, "gelu");
    assert.throws(() => new Activation("relux"), /unknown activation "relux"/);
    assert.equal(
      new Activation("relu").apply(Input({ shape: [3], dtype: "int32" })).dtype,
      "float32",
    );
    assert.equal(
      new Activation("relu").apply(Input({ shape: [3], dtype: "float64" })).dtype,
      "float64",
    );
  });

  it("passes masks through", () => {
    const a = new Activation("relu");
    const mask = st.tensor([[true, false]]);
    const y = a.apply(st.ones([1, 2, 3]), { mask });
    assert.equal(maskOf(y), mask);
  });
});

describe("Dropout", () => {
  it("passes the layer test (inference: the identity)", () => {
    runLayerTest((dtype) => new Dropout(0.5, { dtype, seed: 3 }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
      expectedNumTrainableWeights: 0,
    });
    runLayerTest((dtype) => new Dropout(0.2, { dtype, noiseShape: [null, 1, 4] }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
    });
  });

  it("drops about `rate` of the entries in training and scales the rest by 1/(1 − rate)", () => {
    const x = st.random.uniform([100, 100], { seed: 1, minval: 1, maxval: 2 });
    const y = new Dropout(0.3, { seed: 7 }).apply(x, { training: true });
    const xs = flat(x);
    const ys = flat(y);
    let dropped = 0;
    ys.forEach((v, i) => {
      if (v === 0) dropped++;
      else assert.ok(Math.abs(v - xs[i]! / 0.7) < 1e-5, `kept entry ${i} scaled`);
    });
    assert.ok(Math.abs(dropped / 10000 - 0.3) < 0.03, `dropped fraction ${dropped / 10000}`);
    assert.deepEqual(flat(new Dropout(0.3).apply(x)), xs, "inference is the identity");
  });

  it("is reproducible from a seed or from st.random.setSeed, and draws a new mask each call", () => {
    const x = st.ones([4, 50]);
    const a = new Dropout(0.5, { seed: 11 });
    const b = new Dropout(0.5, { seed: 11 });
    const a1 = flat(a.apply(x, { training: true }));
    assert.deepEqual(a1, flat(b.apply(x, { training: true })));
    assert.notDeepEqual(a1, flat(a.apply(x, { training: true })), "the next call draws a new mask");
    st.random.setSeed(5);
    const c = flat(new Dropout(0.5).apply(x, { training: true }));
    st.random.setSeed(5);
    assert.deepEqual(flat(new Dropout(0.5).apply(x, { training: true })), c);
  });

  it("shares decisions along the axes where noiseShape is 1", () => {
    const y = new Dropout(0.5, { noiseShape: [null, 1, 6], seed: 2 }).apply(st.ones([3, 5, 6]), {
      training: true,
    });
    const v = y.toArray() as number[][][];
    for (const sample of v) for (const step of sample) assert.deepEqual(step, sample[0]);
  });

  it("has the gradient mask/(1 − rate) in training", () => {
    const layer = new Dropout(0.4, { seed: 9 });
    const x = new st.Variable(st.random.uniform([3, 7], { seed: 2, minval: 1, maxval: 2 }));
    let out: Tensor | null = null;
    const { grads } = st.valueAndGrad(() => {
      out = layer.apply(x.value, { training: true });
      return st.ops.sum(out);
    }, [x]);
    const ys = flat(out!);
    const xs = flat(x.value);
    assertClose(
      grads[0]!,
      ys.map((v, i) => v / xs[i]!),
      { rtol: 1e-5 },
    );
  });

  it("handles rate 0 and rate 1", () => {
    const x = randn([2, 3], 1);
    assert.equal(new Dropout(0).apply(x, { training: true }), x);
    assert.deepEqual(flat(new Dropout(1).apply(x, { training: true })), [0, 0, 0, 0, 0, 0]);
  });

  it("writes Keras's config and rejects bad arguments", () => {
    const c = new Dropout(0.5, { name: "dr" }).getConfig();
    assert.deepEqual(
      { rate: c.rate, seed: c.seed, noise_shape: c.noise_shape, name: c.name },
      { rate: 0.5, seed: null, noise_shape: null, name: "dr" },
    );
    assert.throws(() => new Dropout(1.5, { name: "d" }), {
      message: 'Layer "d" (Dropout): rate must be a number between 0 and 1; received rate=1.5',
    });
    assert.throws(
      () => new Dropout(0.5, { noiseShape: [0, 1] }),
      /noiseShape entries must be positive/,
    );
    assert.throws(() => new Dropout(0.5, { seed: 1.5 }), /seed must be an integer/);
    assert.throws(
      () => new Dropout(0.5, { noiseShape: [1, 3] }).apply(st.ones([2, 4]), { training: true }),
      /noiseShape/,
    );
  });
});

describe("Flatten", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new Flatten({ dtype }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 12],
    });
    runLayerTest((dtype) => new Flatten({ dtype }), {
      inputShape: [3],
      expectedOutputShape: [3, 1],
    });
    runLayerTest((dtype) => new Flatten({ dtype, dataFormat: "channels_first" }), {
      inputShape: [2, 3, 2, 2],
      expectedOutputShape: [2, 12],
    });
  });

  it("orders channels_first inputs as channels_last does", () => {
    const x = randn([2, 3, 2, 4], 1); // [batch, channels, h, w]
    const xs = flat(x);
    const ref: number[] = [];
    for (let b = 0; b < 2; b++)
      for (let h = 0; h < 2; h++)
        for (let w = 0; w < 4; w++)
          for (let c = 0; c < 3; c++) ref.push(xs[((b * 3 + c) * 2 + h) * 4 + w]!);
    assertClose(new Flatten({ dataFormat: "channels_first" }).apply(x), ref, { rtol: 0, atol: 0 });
    assertClose(new Flatten().apply(x), xs, { rtol: 0, atol: 0 });
  });

  it("keeps unknown axes unknown and the input dtype", () => {
    const y = new Flatten().apply(Input({ shape: [null, 4], dtype: "int32" }));
    assert.deepEqual(y.shape, [null, null]);
    assert.equal(y.dtype, "int32");
    assert.equal(new Flatten().apply(st.tensor([[[1, 2]]], undefined, "int32")).dtype, "int32");
    assert.equal(new Flatten().getConfig().data_format, "channels_last");
    assert.throws(() => new Flatten({ dataFormat: "nhwc" as never }), /dataFormat must be/);
  });
});

describe("Reshape", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new Reshape([3, 4], { dtype }), {
      inputShape: [2, 12],
      expectedOutputShape: [2, 3, 4],
    });
    runLayerTest((dtype) => new Reshape([-1, 2], { dtype }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 6, 2],
    });
  });

  it("keeps the row-major order and infers -1", () => {
    const x = randn([2, 6], 3);
    const y = new Reshape([2, -1]).apply(x);
    assert.deepEqual(y.shape, [2, 2, 3]);
    assertClose(y, flat(x), { rtol: 0, atol: 0 });
    assert.deepEqual(new Reshape([-1, 2]).apply(Input({ shape: [12] })).shape, [null, 6, 2]);
    assert.deepEqual(new Reshape([-1, 2]).apply(Input({ shape: [null, 4] })).shape, [
      null,
      null,
      2,
    ]);
    assert.deepEqual(new Reshape([3, 4]).getConfig().target_shape, [3, 4]);
  });

  it("rejects bad target shapes, at declaration when sizes are known", () => {
    assert.throws(() => new Reshape([-1, -1], { name: "r" }), {
      message:
        'Layer "r" (Reshape): targetShape must not contain more than one -1; received targetShape=[-1,-1]',
    });
    assert.throws(() => new Reshape([0, 2]), /positive integers/);
    assert.throws(() => new Reshape([5, 3], { name: "r2" }).apply(Input({ shape: [12] })), {
      message: /^Layer "r2" \(Reshape\): the total size must be unchanged.*\(12,\).*\(5, 3\)/,
    });
    assert.throws(() => new Reshape([5, -1]).apply(st.zeros([2, 12])), /total size/);
  });
});

describe("Permute", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new Permute([2, 1], { dtype }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 4, 3],
    });
    runLayerTest((dtype) => new Permute([3, 1, 2], { dtype }), {
      inputShape: [2, 3, 4, 5],
      expectedOutputShape: [2, 5, 3, 4],
    });
  });

  it("moves values like a reference loop", () => {
    const x = randn([2, 3, 4], 2);
    const xs = flat(x);
    const ref: number[] = [];
    for (let b = 0; b < 2; b++)
      for (let j = 0; j < 4; j++) for (let i = 0; i < 3; i++) ref.push(xs[(b * 3 + i) * 4 + j]!);
    assertClose(new Permute([2, 1]).apply(x), ref, { rtol: 0, atol: 0 });
    assert.deepEqual(new Permute([2, 1]).apply(Input({ shape: [null, 7] })).shape, [null, 7, null]);
  });

  it("rejects bad dims and ranks", () => {
    assert.throws(() => new Permute([1, 3], { name: "p" }), {
      message:
        /^Layer "p" \(Permute\): dims must be a permutation of 1\.\.n.*received dims=\[1,3\]/,
    });
    assert.throws(() => new Permute([0, 1]), /dims must be a permutation/);
    assert.throws(() => new Permute([2, 1], { name: "p2" }).apply(Input({ shape: [3] })), {
      message: /^Layer "p2" \(Permute\): dims=\[2,1\] needs inputs of rank 3/,
    });
  });
});

describe("RepeatVector", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new RepeatVector(4, { dtype }), {
      inputShape: [2, 3],
      expectedOutputShape: [2, 4, 3],
    });
  });

  it("repeats each sample n times", () => {
    const x = st.tensor([
      [1, 2],
      [3, 4],
    ]);
    assertClose(new RepeatVector(3).apply(x), [
      [
        [1, 2],
        [1, 2],
        [1, 2],
      ],
      [
        [3, 4],
        [3, 4],
        [3, 4],
      ],
    ]);
    assert.deepEqual(new RepeatVector(3).apply(Input({ shape: [5] })).shape, [null, 3, 5]);
    assert.equal(new RepeatVector(3).getConfig().n, 3);
  });

  it("rejects bad n and ranks", () => {
    assert.throws(() => new RepeatVector(0, { name: "rv" }), {
      message: 'Layer "rv" (RepeatVector): n must be a positive integer; received n=0',
    });
    assert.throws(() => new RepeatVector(2.5), /positive integer/);
    assert.throws(() => new RepeatVector(2, { name: "rv2" }).apply(Input({ shape: [3, 4] })), {
      message: /^Layer "rv2" \(RepeatVector\): expected inputs of rank 2/,
    });
  });
});
