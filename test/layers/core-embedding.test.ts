import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { Dense } from "../../src/layers/core/dense.js";
import { Embedding } from "../../src/layers/core/embedding.js";
import { Input } from "../../src/layers/core/input.js";
import { Lambda, type LambdaFunction } from "../../src/layers/core/lambda.js";
import { Masking } from "../../src/layers/core/masking.js";
import { maskOf } from "../../src/layers/layer.js";
import { assertClose, randn } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";

const flat = (t: Tensor): number[] => Array.from(t.dataSync(), Number);

describe("Embedding", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new Embedding(10, 3, { dtype }), {
      inputShape: [2, 5],
      inputDtype: "int32",
      intHigh: 10,
      expectedOutputShape: [2, 5, 3],
      expectedNumTrainableWeights: 1,
      expectedWeightShapes: [[10, 3]],
    });
    runLayerTest(
      (dtype) => new Embedding(4, 2, { dtype, maskZero: true, embeddingsInitializer: "he_normal" }),
      {
        inputShape: [3],
        inputDtype: "int32",
        intHigh: 4,
        expectedOutputShape: [3, 2],
      },
    );
  });

  it("looks up rows, from int or whole-valued float ids", () => {
    const e = new Embedding(4, 2);
    e.apply(st.zeros([1, 1], "int32"));
    const table = [
      [0, 1],
      [10, 11],
      [20, 21],
      [30, 31],
    ];
    e.setWeights([st.tensor(table)]);
    const ids = [
      [3, 0],
      [1, 1],
    ];
    const ref = ids.map((row) => row.map((i) => table[i]!));
    assertClose(e.apply(st.tensor(ids, undefined, "int32")), ref);
    assertClose(e.apply(st.tensor(ids)), ref);
    assert.equal(e.apply(st.tensor(ids, undefined, "int32")).dtype, "float32");
  });

  it("has a scatter-add gradient: repeated ids accumulate", () => {
    const e = new Embedding(5, 3, { dtype: "float64" });
    const ids = st.tensor(
      [
        [1, 4, 1],
        [0, 1, 2],
      ],
      undefined,
      "int32",
    );
    e.apply(ids);
    const w = randn([2, 3, 3], 8);
    const { grads } = st.valueAndGrad(
      () => st.ops.sum(st.ops.multiply(e.apply(ids), w)),
      e.trainableWeights,
    );
    const ref = new Float64Array(15);
    const ws = flat(w);
    flat(ids).forEach((id, p) => {
      for (let k = 0; k < 3; k++) ref[id * 3 + k]! += ws[p * 3 + k]!;
    });
    assertClose(grads[0]!, [...ref], { rtol: 1e-12, atol: 1e-12 });
  });

  it("masks index 0 with maskZero, and the mask reaches the next layer", () => {
    const ids = st.tensor(
      [
        [5, 0, 2],
        [0, 0, 1],
      ],
      undefined,
      "int32",
    );
    const e = new Embedding(6, 2, { maskZero: true });
    const y = e.apply(ids);
    assert.deepEqual(maskOf(y)?.toArray(), [
      [true, false, true],
      [false, false, true],
    ]);
    const dense = new Dense(2);
    assert.deepEqual(maskOf(dense.apply(y))?.toArray(), [
      [true, false, true],
      [false, false, true],
    ]);
    assert.equal(maskOf(new Embedding(6, 2).apply(ids)), null);
  });

  it("writes Keras 3.16's config (the seq fixture's Embedding)", () => {
    const config = new Embedding(50, 4, { name: "embedding_2" }).getConfig();
    assert.deepEqual(JSON.parse(JSON.stringify(config)), {
      name: "embedding_2",
      trainable: true,
      dtype: {
        module: "keras",
        class_name: "DTypePolicy",
        config: { name: "float32" },
        registered_name: null,
      },
      input_dim: 50,
      output_dim: 4,
      embeddings_initializer: {
        module: "keras.initializers",
        class_name: "RandomUniform",
        config: { seed: null, minval: -0.05, maxval: 0.05 },
        registered_name: null,
      },
      embeddings_regularizer: null,
      activity_regularizer: null,
      embeddings_constraint: null,
      mask_zero: false,
      quantization_config: null,
    });
    const legacy = Embedding.fromConfig({ ...config, input_length: 10 });
    assert.deepEqual(legacy.getConfig(), config, "input_length is accepted and dropped");
  });

  it("initializes uniformly in [-0.05, 0.05) by default", () => {
    const e = new Embedding(100, 10);
    e.apply(st.zeros([1, 1], "int32"));
    const v = flat(e.embeddings.value);
    assert.ok(v.every((x) => x >= -0.05 && x < 0.05));
    assert.ok(Math.max(...v) > 0.04 && Math.min(...v) < -0.04);
  });

  it("rejects bad arguments and ids", () => {
    assert.throws(() => new Embedding(0, 3, { name: "e" }), {
      message: 'Layer "e" (Embedding): inputDim must be a positive integer; received inputDim=0',
    });
    assert.throws(() => new Embedding(3, 1.5), /outputDim must be a positive integer/);
    const e = new Embedding(3, 2, { name: "e2" });
    assert.throws(() => e.apply(st.tensor([[1, 3]], undefined, "int32")), {
      message:
        /^Layer "e2" \(Embedding\): input indices must be integers in \[0, 3\) \(inputDim=3\); received 3/,
    });
    assert.throws(() => e.apply(st.tensor([[-1]], undefined, "int32")), /received -1/);
    assert.throws(() => e.apply(st.tensor([[0.5]])), /received 0\.5/);
    assert.throws(() => e.apply(st.tensor([[true]])), /bool/);
  });
});

describe("Masking", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new Masking({ dtype }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
    });
    runLayerTest((dtype) => new Masking({ dtype, maskValue: 0.5 }), {
      inputShape: [2, 3, 4],
      expectedOutputShape: [2, 3, 4],
    });
  });

  it("zeroes and masks the timesteps whose features all equal maskValue", () => {
    const x = st.tensor([
      [
        [1, 2],
        [-1, -1],
        [0, -1],
      ],
      [
        [-1, -1],
        [3, 4],
        [-1, -1],
      ],
    ]);
    const y = new Masking({ maskValue: -1 }).apply(x);
    const xs = x.toArray() as number[][][];
    const keep = xs.map((s) => s.map((step) => step.some((v) => v !== -1)));
    assertClose(
      y,
      xs.map((s, b) => s.map((step, t) => step.map((v) => (keep[b]![t] ? v : 0)))),
    );
    assert.deepEqual(maskOf(y)?.toArray(), keep);
    assert.equal(new Masking({ maskValue: -1 }).getConfig().mask_value, -1);
    assert.equal(new Masking().getConfig().mask_value, 0);
  });

  it("rejects a non-number maskValue", () => {
    assert.throws(() => new Masking({ maskValue: "x" as never, name: "m" }), {
      message: 'Layer "m" (Masking): maskValue must be a number; received maskValue=x',
    });
  });
});

// A named function and a Lambda whose fromConfig finds it by name (Keras's custom_objects).
const scaleShift: LambdaFunction = (x, extras) =>
  st.ops.add(st.ops.multiply(x as Tensor, (extras.scale as number | undefined) ?? 2), 1);
class RegisteredLambda extends Lambda {
  static override fromConfig(config: Record<string, unknown>): Lambda {
    return Lambda.fromConfig(config, { scaleShift });
  }
}

describe("Lambda", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new RegisteredLambda(scaleShift, { dtype }), {
      inputShape: [2, 3],
      expectedOutputShape: [2, 3],
    });
    runLayerTest(
      (dtype) =>
        new RegisteredLambda(scaleShift, { dtype, arguments: { scale: 3 }, outputShape: [3] }),
      {
        inputShape: [2, 3],
        expectedOutputShape: [2, 3],
      },
    );
  });

  it("computes the function, with its arguments, training flag and mask", () => {
    const x = st.tensor([[1, 2]]);
    assertClose(new Lambda(scaleShift, { arguments: { scale: 10 } }).apply(x), [[11, 21]]);
    let seen: unknown[] = [];
    const spy = new Lambda((t, e) => {
      seen = [e.training, e.mask];
      return t;
    });
    const mask = st.tensor([[true, false]]);
    spy.apply(x, { training: true, mask });
    assert.deepEqual(seen, [true, mask]);
  });

  it("infers the output shape, or takes it as a shape or a function", () => {
    const inp = Input({ shape: [4, 6] });
    const sum = new Lambda((t) => st.ops.sum(t as Tensor, -1));
    assert.deepEqual(sum.apply(inp).shape, [null, 4]);
    assert.deepEqual(new Lambda((t) => t, { outputShape: [4, 6] }).apply(inp).shape, [null, 4, 6]);
    const fnShape = new Lambda((t) => t, { outputShape: (s) => s });
    assert.deepEqual(fnShape.apply(inp).shape, [null, 4, 6]);
    const two = new Lambda((t) => [t as Tensor, t as Tensor]);
    assert.deepEqual(
      two.applyAll(inp).map((s) => s.shape),
      [
        [null, 4, 6],
        [null, 4, 6],
      ],
    );
    const bad = new Lambda((t) => st.ops.matmul(t as Tensor, st.zeros([5, 2])), { name: "lam" });
    assert.throws(() => bad.apply(inp), {
      message: /^Layer "lam" \(Lambda\): could not infer the output shape.*outputShape/,
    });
  });

  it("computes its output mask from the mask option", () => {
    // Each case gets its own input: an identity Lambda returns the very tensor, and masks are
    // attached to tensors.
    const x = st.ones([1, 3, 2]);
    const fixed = st.tensor([[true, true, false]]);
    assert.equal(maskOf(new Lambda((t) => t, { mask: fixed }).apply(x)), fixed);
    const derived = new Lambda((t) => t, {
      mask: (t) => st.ops.greater(st.ops.sum(t as Tensor, -1), 0),
    });
    assert.deepEqual(maskOf(derived.apply(st.ones([1, 3, 2])))?.toArray(), [[true, true, true]]);
    assert.equal(maskOf(new Lambda((t) => t).apply(st.ones([1, 3, 2]), { mask: fixed })), null);
  });

  it("stores the function by name and needs it back by name", () => {
    const layer = new Lambda(scaleShift, { name: "lam2", outputShape: [3] });
    const config = layer.getConfig();
    assert.deepEqual(config.function, {
      module: "builtins",
      class_name: "function",
      config: "scaleShift",
      registered_name: "scaleShift",
    });
    assert.deepEqual(config.output_shape, [3]);
    assert.deepEqual(config.arguments, {});
    assert.throws(() => Lambda.fromConfig(config), {
      message:
        /^Lambda "lam2": cannot rebuild its function "scaleShift" from a config: functions are not serialized\. Pass it by name in customObjects/,
    });
    const back = Lambda.fromConfig(config, { scaleShift });
    assertClose(back.apply(st.tensor([[1]])), [[3]]);
    const anonymous = new Lambda((x) => x).getConfig().function as { config: string };
    assert.equal(anonymous.config, "<lambda>");
    assert.throws(() => new Lambda(3 as never), /expected a function/);
  });
});
