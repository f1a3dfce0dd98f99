import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { conv } from "../../src/ops/conv.js";
import { convBias } from "../../src/ops/conv-bias.js";
import { ShapeError } from "../../src/errors.js";
import { assertClose, eachBackend, gradcheck, randn, valuesOf } from "../helpers.js";

// convBias fuses a conv layer's bias and relu into the convolution: it must equal the composite
// relu(conv(x, w) + b), forward and backward, on every backend.

const composite = (x: Tensor, w: Tensor, b: Tensor | null, relu: boolean, opts = {}): Tensor => {
  const z = b ? st.ops.add(conv(x, w, opts), b) : conv(x, w, opts);
  return relu ? st.ops.relu(z) : z;
};

eachBackend("convBias", () => {
  it("equals relu(conv + bias) and conv + bias, float32 and float64, with and without bias", () => {
    let seed = 1;
    for (const dtype of ["float32", "float64"] as const) {
      for (const [xs, ws, opts] of [
        [[3, 9, 8, 5], [3, 3, 5, 37], { padding: "same" }],
        [[2, 11, 1], [3, 1, 16], { strides: 2 }],
        [[2, 4, 5, 6, 3], [2, 2, 2, 3, 4], { padding: "same", dilationRate: 1 }],
        [[2, 7, 6, 8], [3, 3, 4, 6], {}], // grouped (2 groups)
      ] as const) {
        const x = st.ops.cast(randn([...xs], seed++), dtype);
        const w = st.ops.cast(randn([...ws], seed++), dtype);
        const b = st.ops.cast(randn([ws[ws.length - 1]!], seed++), dtype);
        for (const relu of [true, false]) {
          for (const bias of [b, null]) {
            const y = convBias(x, w, bias, { ...opts, relu });
            const tol = dtype === "float32" ? { rtol: 1e-4, atol: 1e-4 } : { rtol: 1e-10 };
            assertClose(y, composite(x, w, bias, relu, opts), tol);
            assert.equal(y.dtype, dtype);
          }
        }
      }
    }
  });

  it("relu sends -0 to +0 and keeps NaN, as the unary relu", () => {
    const x = st.tensor([NaN, -1, 0, 2], [1, 4, 1]);
    const y = convBias(x, st.tensor([1], [1, 1, 1]), st.tensor([0]), { relu: true });
    assert.ok(Number.isNaN(y.dataSync()[0]!));
    assert.ok(Object.is(valuesOf(y)[1], 0) && Object.is(valuesOf(y)[2], 0));
    assert.equal(valuesOf(y)[3], 2);
    // The same through the tiled kernels (full 6 × 16 tiles): windows over the NaN stay NaN, the
    // sums of −0 products (zeros times negative weights) come out +0.
    const img = new Float32Array(8 * 8);
    img[0] = NaN;
    const z = convBias(st.tensor(img, [1, 8, 8, 1]), st.full([3, 3, 1, 16], -1), null, {
      relu: true,
    });
    z.dataSync().forEach((v, i) => {
      const pixel = Math.floor(i / 16);
      if (pixel === 0) assert.ok(Number.isNaN(v), `element ${i}`);
      else assert.ok(Object.is(v, 0), `element ${i}: ${v}`);
    });
  });

  it("checks gradients against finite differences, and gradients of gradients", () => {
    for (const relu of [true, false]) {
      gradcheck(
        (x, w, b) => convBias(x, w, b, { padding: "same", strides: 2, relu }),
        [randn([2, 5, 4, 3], 40), randn([3, 2, 3, 4], 41), randn([4], 42)],
      );
      gradcheck(
        (x, w) => convBias(x, w, null, { relu }),
        [randn([2, 7, 2], 43), randn([3, 2, 3], 44)],
      );
    }
    const inner = (x: Tensor, w: Tensor, b: Tensor): Tensor =>
      st.ops.sum(st.ops.square(convBias(x, w, b, { padding: "same", relu: true })));
    const g = st.grad(inner);
    for (const which of [0, 1, 2]) {
      // through dx, dkernel, and dbias alone (the bias gradient's own rule)
      gradcheck(
        (x, w, b) => (g(x, w, b) as Tensor[])[which]!,
        [randn([1, 5, 4, 2], 45), randn([3, 2, 2, 2], 46), randn([2], 47)],
      );
    }
  });

  it("rejects a bias that does not match the out channels", () => {
    assert.throws(
      () => convBias(st.zeros([1, 4, 2]), st.zeros([3, 2, 5]), st.zeros([4])),
      (e: unknown) => e instanceof ShapeError && /bias must have shape \(5\)/.test(String(e)),
    );
  });
});
