// keras.ops' pooling and convolutions with dataFormat: "channels_first" computes, and differentiates
// to, the channels-last result transposed (channels-last itself is tested against float64 loops
// in pool.test.ts and conv.test.ts); null follows config.imageDataFormat(), as Keras's None.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { assertClose } from "../helpers.js";

const { ops } = st;

/** (batch, spatial…, C) → (batch, C, spatial…). */
const toFirst = (x: Tensor) =>
  ops.transpose(x, [0, x.rank - 1, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 1)]);
const values = (t: Tensor) => Array.from(t.dataSync());

/** A deterministic input that has no ties (so max pooling has one winner per window). */
function input(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return st.tensor(
    Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 3 + i * 1e-3),
    shape,
  );
}

type Op = (x: Tensor, dataFormat: "channels_last" | "channels_first" | null) => Tensor;

/** Checks value and gradient of `op` channels-first against channels-last, transposed. */
function checkAgainstLast(op: Op, shape: number[], label: string): void {
  const xLast = input(shape);
  const xFirst = toFirst(xLast);
  const yLast = op(xLast, "channels_last");
  const yFirst = op(xFirst, "channels_first");
  assert.deepEqual(yFirst.shape, toFirst(yLast).shape, label);
  assertClose(yFirst, values(toFirst(yLast)), { rtol: 1e-5, atol: 1e-5 });
  // a weighted sum, so each output cell's gradient differs
  const weights = (y: Tensor) =>
    input(y.shape.map((d) => d))
      .mul(0.5)
      .add(1);
  const wLast = weights(yLast);
  const gLast = st.grad((t: Tensor) => ops.sum(ops.multiply(op(t, "channels_last"), wLast)))(
    xLast,
  ) as Tensor;
  const gFirst = st.grad((t: Tensor) =>
    ops.sum(ops.multiply(op(t, "channels_first"), toFirst(wLast))),
  )(xFirst) as Tensor;
  assertClose(gFirst, values(toFirst(gLast)), { rtol: 1e-5, atol: 1e-5 });
}

describe("dataFormat on keras.ops' pooling and convolutions", () => {
  it("maxPool and averagePool, 1-D to 3-D, valid and same, with strides", () => {
    for (const [shape, pool, strides, padding] of [
      [[2, 7, 3], 2, 1, "valid"],
      [[2, 5, 6, 3], [2, 3], [1, 2], "same"],
      [[1, 4, 5, 3, 2], 2, null, "valid"],
    ] as const) {
      for (const f of [ops.maxPool, ops.averagePool]) {
        checkAgainstLast(
          (x, df) => f(x, pool, strides, padding, df),
          [...shape],
          `${f.name} ${JSON.stringify(shape)}`,
        );
      }
    }
  });

  it("conv, depthwiseConv, separableConv and convTranspose", () => {
    const k2 = input([3, 2, 3, 4]).mul(0.1);
    checkAgainstLast(
      (x, df) => ops.conv(x, k2, { padding: "same", strides: [2, 1], dataFormat: df }),
      [2, 6, 5, 3],
      "conv2d",
    );
    const k1 = input([3, 2, 5]).mul(0.1);
    checkAgainstLast(
      (x, df) => ops.conv(x, k1, { dilationRate: 2, dataFormat: df }),
      [2, 9, 2],
      "conv1d",
    );
    const k3 = input([2, 2, 2, 2, 3]).mul(0.1);
    checkAgainstLast((x, df) => ops.conv(x, k3, { dataFormat: df }), [1, 3, 4, 3, 2], "conv3d");
    const dk = input([3, 3, 3, 2]).mul(0.1);
    checkAgainstLast(
      (x, df) => ops.depthwiseConv(x, dk, { padding: "same", dataFormat: df }),
      [2, 5, 4, 3],
      "depthwise",
    );
    const pk = input([1, 1, 6, 4]).mul(0.1);
    checkAgainstLast(
      (x, df) => ops.separableConv(x, dk, pk, { strides: 2, dataFormat: df }),
      [1, 7, 6, 3],
      "separable",
    );
    const tk = input([3, 3, 2, 3]).mul(0.1);
    checkAgainstLast(
      (x, df) => ops.convTranspose(x, tk, { strides: 2, padding: "same", dataFormat: df }),
      [2, 3, 4, 3],
      "convTranspose",
    );
  });

  it("null follows the global image data format; bad values are refused", () => {
    const x = input([1, 4, 4, 2]);
    const first = toFirst(x);
    // the expectations, computed channels-last before the global setting changes
    const expected = values(toFirst(ops.maxPool(x, 2)));
    const expectedMean = values(toFirst(ops.averagePool(x, 2)));
    st.config.setImageDataFormat("channels_first");
    try {
      assertClose(ops.maxPool(first, 2), expected);
      assertClose(ops.averagePool(first, 2, null, "valid", null), expectedMean);
      const k = input([2, 2, 2, 3]);
      assertClose(
        ops.conv(first, k),
        values(toFirst(ops.conv(x, k, { dataFormat: "channels_last" }))),
      );
      // the adaptive pools too
      assertClose(
        ops.adaptiveAveragePool(first, 2),
        values(toFirst(ops.adaptiveAveragePool(x, 2, "channels_last"))),
      );
    } finally {
      st.config.setImageDataFormat("channels_last");
    }
    assert.throws(
      () => ops.maxPool(x, 2, null, "valid", "NCHW" as never),
      /dataFormat must be "channels_last" or "channels_first"/,
    );
    assert.throws(
      () => ops.conv(x, input([2, 2, 2, 3]), { dataFormat: "channelsFirst" as never }),
      /conv: dataFormat/,
    );
  });

  it("works on symbolic tensors in a functional model", () => {
    const inp = st.layers.Input({ shape: [3, 6, 6] });
    const out = ops.averagePool(
      ops.maxPool(inp, 2, null, "valid", "channels_first"),
      3,
      null,
      "valid",
      "channels_first",
    );
    assert.deepEqual(out.shape, [null, 3, 1, 1]);
    const model = new st.Model({ inputs: inp, outputs: out });
    const x = input([2, 6, 6, 3]);
    const want = toFirst(ops.averagePool(ops.maxPool(x, 2), 3));
    assertClose(model.predictOnBatch(toFirst(x)) as Tensor, values(want), {
      rtol: 1e-5,
      atol: 1e-6,
    });
  });
});
