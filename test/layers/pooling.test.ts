import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { Input } from "../../src/layers/core/input.js";
import {
  AveragePooling1D,
  AveragePooling2D,
  AveragePooling3D,
  MaxPooling1D,
  MaxPooling2D,
  MaxPooling3D,
} from "../../src/layers/pooling/pooling.js";
import {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalAveragePooling3D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GlobalMaxPooling3D,
} from "../../src/layers/pooling/global-pooling.js";
import { assertClose, randn, valuesOf } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";

// ------------------------------------------------------------------ float64 reference

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

/**
 * Keras pooling by its definition: windows of `pool` cells every `strides`; "same" pads TF's way
 * (half the excess, less before) and the padded cells belong to no window.
 */
function refPool(
  x: Tensor,
  mode: "max" | "avg",
  pool: number[],
  strides: number[] = pool,
  padding: "valid" | "same" = "valid",
): Tensor {
  const n = x.rank - 2;
  const S = x.shape.slice(1, 1 + n);
  const plans = S.map((len, i): [number, number] => {
    if (padding === "valid") return [Math.floor((len - pool[i]!) / strides[i]!) + 1, 0];
    const out = Math.ceil(len / strides[i]!);
    return [out, Math.floor(Math.max((out - 1) * strides[i]! + pool[i]! - len, 0) / 2)];
  });
  const yShape = [x.shape[0]!, ...plans.map((p) => p[0]), x.shape[n + 1]!];
  const y = new Float64Array(yShape.reduce((a, b) => a * b, 1));
  forEachIndex(yShape, (iy) => {
    let best = -Infinity;
    let total = 0;
    let count = 0;
    forEachIndex(pool, (ik) => {
      const pos = S.map((_, i) => iy[1 + i]! * strides[i]! + ik[i]! - plans[i]![1]);
      if (pos.some((p, i) => p < 0 || p >= S[i]!)) return;
      const v = valuesOf(x)[flatIndex(x.shape, [iy[0]!, ...pos, iy[n + 1]!])]!;
      best = Math.max(best, v);
      total += v;
      count++;
    });
    y[flatIndex(yShape, iy)] = mode === "max" ? best : total / count;
  });
  return st.tensor(y, yShape);
}

const DTYPE = {
  module: "keras",
  class_name: "DTypePolicy",
  config: { name: "float32" },
  registered_name: null,
};

describe("MaxPooling1D/2D/3D and AveragePooling1D/2D/3D", () => {
  it("pass the layer test", () => {
    runLayerTest((dtype) => new MaxPooling2D({ dtype }), {
      inputShape: [2, 5, 4, 2],
      expectedOutputShape: [2, 2, 2, 2],
      expectedNumTrainableWeights: 0,
    });
    runLayerTest(
      (dtype) => new MaxPooling2D({ poolSize: [3, 2], strides: 1, padding: "same", dtype }),
      {
        inputShape: [2, 4, 5, 2],
        expectedOutputShape: [2, 4, 5, 2],
      },
    );
    runLayerTest((dtype) => new MaxPooling1D({ poolSize: 3, strides: 2, dtype }), {
      inputShape: [2, 7, 3],
      expectedOutputShape: [2, 3, 3],
    });
    runLayerTest((dtype) => new MaxPooling3D({ padding: "same", dtype }), {
      inputShape: [2, 3, 3, 2, 2],
      expectedOutputShape: [2, 2, 2, 1, 2],
    });
    runLayerTest(
      (dtype) => new AveragePooling2D({ poolSize: 3, strides: 2, padding: "same", dtype }),
      {
        inputShape: [2, 5, 6, 2],
        expectedOutputShape: [2, 3, 3, 2],
      },
    );
    runLayerTest((dtype) => new AveragePooling1D({ dtype }), {
      inputShape: [2, 5, 3],
      expectedOutputShape: [2, 2, 3],
    });
    runLayerTest((dtype) => new AveragePooling3D({ poolSize: [1, 2, 2], dtype }), {
      inputShape: [2, 2, 4, 3, 2],
      expectedOutputShape: [2, 2, 2, 1, 2],
    });
  });

  it("compute each window's max or mean (padded cells excluded)", () => {
    const x2 = randn([2, 6, 5, 3], 1);
    const x1 = randn([2, 7, 2], 2);
    const x3 = randn([1, 3, 4, 5, 2], 3);
    const cases: [Tensor, Tensor, Tensor][] = [
      [new MaxPooling2D().apply(x2), refPool(x2, "max", [2, 2]), x2],
      [new AveragePooling2D().apply(x2), refPool(x2, "avg", [2, 2]), x2],
      [
        new MaxPooling2D({ poolSize: 3, strides: 2, padding: "same" }).apply(x2),
        refPool(x2, "max", [3, 3], [2, 2], "same"),
        x2,
      ],
      [
        new AveragePooling2D({ poolSize: [3, 2], strides: [1, 2], padding: "same" }).apply(x2),
        refPool(x2, "avg", [3, 2], [1, 2], "same"),
        x2,
      ],
      [new MaxPooling1D({ poolSize: 3, strides: 1 }).apply(x1), refPool(x1, "max", [3], [1]), x1],
      [
        new AveragePooling1D({ poolSize: 4, strides: 3, padding: "same" }).apply(x1),
        refPool(x1, "avg", [4], [3], "same"),
        x1,
      ],
      [
        new MaxPooling3D({ poolSize: [2, 3, 2], padding: "same" }).apply(x3),
        refPool(x3, "max", [2, 3, 2], [2, 3, 2], "same"),
        x3,
      ],
      [
        new AveragePooling3D({ poolSize: 2, strides: 1 }).apply(x3),
        refPool(x3, "avg", [2, 2, 2], [1, 1, 1]),
        x3,
      ],
    ];
    for (const [got, want] of cases) assertClose(got, want, { rtol: 1e-12, atol: 1e-12 });
    assertClose(
      new AveragePooling2D({ poolSize: 2, strides: 1, padding: "same" }).apply(
        st.ones([1, 3, 3, 1]),
      ),
      st.ones([1, 3, 3, 1]),
    );
  });

  it("infer shapes with unknown axes, as Keras's compute_pooling_output_shape", () => {
    assert.deepEqual(new MaxPooling2D().apply(Input({ shape: [null, 7, 3] })).shape, [
      null,
      null,
      3,
      3,
    ]);
    assert.deepEqual(
      new MaxPooling2D({ poolSize: 3, strides: 2, padding: "same" }).computeOutputShape([
        4, 7, 8, 1,
      ]),
      [4, 4, 4, 1],
    );
    assert.deepEqual(
      new AveragePooling1D({ poolSize: 3, strides: 2 }).computeOutputShape([null, 8, 5]),
      [null, 3, 5],
    );
    assert.deepEqual(
      new MaxPooling3D({ poolSize: [1, 2, 3] }).computeOutputShape([null, 2, null, 9, 1]),
      [null, 2, null, 3, 1],
    );
    // The book's convnet: 26 → 13 and 11 → 5.
    assert.deepEqual(new MaxPooling2D({ poolSize: 2 }).computeOutputShape([null, 26, 26, 32]), [
      null,
      13,
      13,
      32,
    ]);
    assert.deepEqual(new MaxPooling2D({ poolSize: 2 }).computeOutputShape([null, 11, 11, 64]), [
      null,
      5,
      5,
      64,
    ]);
  });

  it("write Keras 3's configs (strides default to the pool size)", () => {
    assert.deepEqual(new MaxPooling2D({ poolSize: 2, name: "max_pooling2d" }).getConfig(), {
      name: "max_pooling2d",
      trainable: true,
      dtype: DTYPE,
      pool_size: [2, 2],
      padding: "valid",
      strides: [2, 2],
      data_format: "channels_last",
    });
    assert.deepEqual(new AveragePooling2D({ name: "average_pooling2d" }).getConfig(), {
      name: "average_pooling2d",
      trainable: true,
      dtype: DTYPE,
      pool_size: [2, 2],
      padding: "valid",
      strides: [2, 2],
      data_format: "channels_last",
    });
    const one = new MaxPooling1D({
      poolSize: 3,
      strides: 1,
      padding: "same",
      name: "m1",
    }).getConfig();
    assert.deepEqual([one.pool_size, one.strides, one.padding], [[3], [1], "same"]);
    assert.deepEqual(MaxPooling1D.fromConfig(one).getConfig(), one);
  });

  it("reject bad arguments and inputs, naming the layer and the shape", () => {
    assert.throws(
      () => new MaxPooling2D({ poolSize: 0 }),
      /poolSize must be an integer or a list of 2 integers, each ≥ 1; received poolSize=0/,
    );
    assert.throws(() => new MaxPooling2D({ strides: [1, 2, 3] }), /received strides=\[1,2,3\]/);
    assert.throws(
      () => new AveragePooling2D({ padding: "causal" as "same" }),
      /padding must be "valid" or "same"; received padding="causal"/,
    );
    assert.throws(
      () => new MaxPooling2D({ dataFormat: "channels_middle" as "channels_first" }),
      /dataFormat must be "channels_last" or "channels_first"; received dataFormat="channels_middle"/,
    );
    assert.throws(
      () => new MaxPooling2D({ poolSize: 3, name: "mp" }).apply(Input({ shape: [2, 5, 1] })),
      {
        name: "ValueError",
        message:
          /^Layer "mp" \(MaxPooling2D\): the pool window \(spanning 3\) is larger than the input .*\(None, 2, 5, 1\)/,
      },
    );
    assert.throws(() => new MaxPooling2D({ name: "mp2" }).apply(Input({ shape: [4, 4] })), {
      message:
        'Layer "mp2" (MaxPooling2D): expected inputs of rank 4 (batch, height, width, channels); received shape (None, 4, 4)',
    });
    assert.throws(
      () => new AveragePooling1D().apply(st.zeros([1, 4, 4, 1])),
      /expected inputs of rank 3/,
    );
  });
});

describe("GlobalMaxPooling1D/2D/3D and GlobalAveragePooling1D/2D/3D", () => {
  it("pass the layer test", () => {
    runLayerTest((dtype) => new GlobalAveragePooling2D({ dtype }), {
      inputShape: [2, 4, 3, 2],
      expectedOutputShape: [2, 2],
    });
    runLayerTest((dtype) => new GlobalAveragePooling2D({ keepdims: true, dtype }), {
      inputShape: [2, 4, 3, 2],
      expectedOutputShape: [2, 1, 1, 2],
    });
    runLayerTest((dtype) => new GlobalMaxPooling2D({ dtype }), {
      inputShape: [2, 4, 3, 2],
      expectedOutputShape: [2, 2],
    });
    runLayerTest((dtype) => new GlobalMaxPooling1D({ keepdims: true, dtype }), {
      inputShape: [2, 5, 3],
      expectedOutputShape: [2, 1, 3],
    });
    runLayerTest((dtype) => new GlobalAveragePooling1D({ dtype }), {
      inputShape: [2, 5, 3],
      expectedOutputShape: [2, 3],
    });
    runLayerTest((dtype) => new GlobalMaxPooling3D({ dtype }), {
      inputShape: [2, 2, 3, 2, 2],
      expectedOutputShape: [2, 2],
    });
    runLayerTest((dtype) => new GlobalAveragePooling3D({ keepdims: true, dtype }), {
      inputShape: [2, 2, 3, 2, 2],
      expectedOutputShape: [2, 1, 1, 1, 2],
    });
  });

  it("reduce every spatial axis", () => {
    const x = randn([2, 3, 4, 2], 5);
    const v = (b: number, i: number, j: number, c: number): number =>
      valuesOf(x)[flatIndex(x.shape, [b, i, j, c])]!;
    const mx: number[][] = [];
    const mn: number[][] = [];
    for (let b = 0; b < 2; b++) {
      mx.push([]);
      mn.push([]);
      for (let c = 0; c < 2; c++) {
        let best = -Infinity;
        let total = 0;
        forEachIndex([3, 4], ([i, j]) => {
          best = Math.max(best, v(b, i!, j!, c));
          total += v(b, i!, j!, c);
        });
        mx[b]!.push(best);
        mn[b]!.push(total / 12);
      }
    }
    assertClose(new GlobalMaxPooling2D().apply(x), mx, { rtol: 1e-12 });
    assertClose(new GlobalAveragePooling2D().apply(x), mn, { rtol: 1e-12 });
    assertClose(
      new GlobalAveragePooling2D({ keepdims: true }).apply(x),
      mn.map((r) => [[r]]),
      { rtol: 1e-12 },
    );
    assertClose(
      new GlobalMaxPooling1D().apply(
        st.tensor([
          [
            [1, 5],
            [3, 2],
          ],
        ]),
      ),
      [[3, 5]],
    );
  });

  it("GlobalAveragePooling1D averages only the unmasked steps, as Keras does", () => {
    const x = st.tensor([
      [
        [1, 10],
        [3, 20],
        [5, 30],
      ],
      [
        [2, 4],
        [Number.NaN, 8],
        [6, 0],
      ],
    ]);
    const mask = st.tensor(
      [
        [true, true, false],
        [true, false, true],
      ],
      undefined,
      "bool",
    );
    const layer = new GlobalAveragePooling1D();
    // Masked values (even NaN) are left out of both the sum and the count.
    assertClose(layer.apply(x, { mask }), [
      [2, 15],
      [4, 2],
    ]);
    assertClose(
      new GlobalAveragePooling1D({ keepdims: true }).apply(x, {
        mask: st.tensor([
          [1, 0, 0],
          [0, 0, 1],
        ]),
      }),
      [[[1, 10]], [[6, 0]]],
    );
    // Without a mask: a plain mean over the steps.
    assertClose(
      layer.apply(
        st.tensor([
          [
            [1, 10],
            [3, 20],
            [5, 30],
          ],
        ]),
      ),
      [[3, 20]],
    );
    // The gradient reaches only the unmasked steps, each with weight 1 / count.
    const xv = new st.Variable(st.tensor([[[1], [2], [3]]]));
    const { grads } = st.valueAndGrad(
      () => st.ops.sum(layer.apply(xv.value, { mask: st.tensor([[1, 1, 0]]) })),
      [xv],
    );
    assertClose(grads[0]!, [[[0.5], [0.5], [0]]]);
    // The mask stops here: the output carries none.
    assert.equal(layer.computeMask(), null);
    assert.throws(
      () => layer.apply(x, { mask: st.tensor([[1, 1]]) }),
      /the mask must have shape \(batch, steps\) = \(2, 3\)/,
    );
  });

  it("infer shapes, write Keras 3's configs, reject wrong ranks", () => {
    assert.deepEqual(new GlobalAveragePooling2D().apply(Input({ shape: [null, null, 3] })).shape, [
      null,
      3,
    ]);
    assert.deepEqual(
      new GlobalMaxPooling1D({ keepdims: true }).apply(Input({ shape: [null, 4] })).shape,
      [null, 1, 4],
    );
    assert.deepEqual(new GlobalAveragePooling2D({ name: "global_average_pooling2d" }).getConfig(), {
      name: "global_average_pooling2d",
      trainable: true,
      dtype: DTYPE,
      data_format: "channels_last",
      keepdims: false,
    });
    assert.deepEqual(new GlobalMaxPooling2D({ name: "global_max_pooling2d" }).getConfig(), {
      name: "global_max_pooling2d",
      trainable: true,
      dtype: DTYPE,
      data_format: "channels_last",
      keepdims: false,
    });
    assert.throws(() => new GlobalMaxPooling2D({ name: "g" }).apply(Input({ shape: [4, 3] })), {
      message:
        'Layer "g" (GlobalMaxPooling2D): expected inputs of rank 4 (batch, height, width, channels); received shape (None, 4, 3)',
    });
    assert.throws(
      () => new GlobalAveragePooling1D({ dataFormat: "NCHW" as "channels_first" }),
      /dataFormat must be "channels_last" or "channels_first"; received dataFormat="NCHW"/,
    );
  });
});

describe("pooling with dataFormat channels_first (Keras 2's Theano-era files)", () => {
  // (batch 1, channels 2, steps 4), worked by hand.
  const x = () => st.tensor([1, 5, 2, 3, 4, 0, 7, 1], [1, 2, 4]);

  it("windows run over the axes after the channels", () => {
    const maxed = new MaxPooling1D({ poolSize: 2, dataFormat: "channels_first" }).apply(x());
    assert.deepEqual(maxed.shape, [1, 2, 2]);
    assert.deepEqual(Array.from(valuesOf(maxed)), [5, 3, 4, 7]);
    const avg = new AveragePooling1D({ poolSize: 3, strides: 1, dataFormat: "channels_first" });
    assertClose(avg.apply(x()), st.tensor([8 / 3, 10 / 3, 11 / 3, 8 / 3], [1, 2, 2]));
    const layer = new MaxPooling2D({ poolSize: 2, dataFormat: "channels_first" });
    assert.deepEqual(layer.computeOutputShape([null, 3, 5, 4]), [null, 3, 2, 2]);
    assert.equal(layer.getConfig().data_format, "channels_first");
  });

  it("global pooling keeps the channel axis, masks count steps on axis 2", () => {
    const gmax = new GlobalMaxPooling1D({ dataFormat: "channels_first" });
    assert.deepEqual(Array.from(valuesOf(gmax.apply(x()))), [5, 7]);
    const keep = new GlobalAveragePooling2D({ dataFormat: "channels_first", keepdims: true });
    assert.deepEqual(keep.computeOutputShape([null, 3, 5, 4]), [null, 3, 1, 1]);
    const gap = new GlobalAveragePooling1D({ dataFormat: "channels_first" });
    assertClose(gap.apply(x()), st.tensor([11 / 4, 12 / 4], [1, 2]));
    const mask = st.tensor([1, 0, 1, 0], [1, 4], "bool");
    assertClose(gap.call(x(), { mask }), st.tensor([3 / 2, 11 / 2], [1, 2]));
  });
});
