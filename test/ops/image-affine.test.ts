// ops.image.affineTransform against known geometry (a 90° rotation is a transpose and a flip,
// shifts show each fill mode at the border) and a float64 loop written here, on every backend.
import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ShapeError, ValueError } from "../../src/errors.js";
import { assertClose, eachBackend } from "../helpers.js";

type Mode = "constant" | "nearest" | "wrap" | "mirror" | "reflect";

/** Index i read from an axis of n pixels under `mode`, or null for the fill value. */
function readIndex(i: number, n: number, mode: Mode): number | null {
  if (i >= 0 && i < n) return i;
  const mod = (a: number, m: number) => ((a % m) + m) % m;
  if (mode === "constant") return null;
  if (mode === "nearest") return Math.min(n - 1, Math.max(0, i));
  if (mode === "wrap") return mod(i, n);
  if (mode === "reflect") {
    const j = mod(i, 2 * n); // period 2n, the edge pixel repeated
    return j < n ? j : 2 * n - 1 - j;
  }
  if (n === 1) return 0;
  const j = mod(i, 2 * n - 2); // period 2n − 2, the edge pixel not repeated
  return j < n ? j : 2 * n - 2 - j;
}

/** The float64 loop: each output pixel samples its input point with bilinear/nearest taps. */
function reference(
  img: st.Tensor,
  rows: number[][],
  interp: "bilinear" | "nearest",
  mode: Mode,
  fill: number,
): { out: number[]; grad: number[] } {
  const [B, H, W, C] = img.shape as [number, number, number, number];
  const v = Float64Array.from(img.dataSync());
  const out: number[] = [];
  const grad = new Array<number>(v.length).fill(0);
  for (let b = 0; b < B; b++) {
    const [a0, a1, a2, b0, b1, b2, c0, c1] = rows[rows.length === 1 ? 0 : b]!;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const k = c0! * x + c1! * y + 1;
        const sx = (a0! * x + a1! * y + a2!) / k;
        const sy = (b0! * x + b1! * y + b2!) / k;
        const taps: [number, number, number][] = [];
        if (interp === "nearest") {
          const r = (u: number) => Math.sign(u) * Math.round(Math.abs(u));
          taps.push([r(sy), r(sx), 1]);
        } else {
          const y0 = Math.floor(sy);
          const x0 = Math.floor(sx);
          const fy = sy - y0;
          const fx = sx - x0;
          taps.push([y0, x0, (1 - fy) * (1 - fx)], [y0, x0 + 1, (1 - fy) * fx]);
          taps.push([y0 + 1, x0, fy * (1 - fx)], [y0 + 1, x0 + 1, fy * fx]);
        }
        for (let c = 0; c < C; c++) {
          let s = 0;
          for (const [ty, tx, w] of taps) {
            const iy = readIndex(ty, H, mode);
            const ix = readIndex(tx, W, mode);
            if (iy === null || ix === null) s += w * fill;
            else {
              const q = ((b * H + iy) * W + ix) * C + c;
              s += w * v[q]!;
              grad[q]! += w;
            }
          }
          out.push(s);
        }
      }
  }
  return { out, grad };
}

eachBackend("ops.image.affineTransform", () => {
  const affine = st.ops.image.affineTransform;
  const img = st.random.uniform([2, 5, 6, 2], { seed: 3, dtype: "float64" });

  it("a 90° rotation about the centre is a transpose and a flip", () => {
    const n = 5;
    const x = st.random.uniform([n, n, 3], { seed: 1 });
    // output (x, y) reads input (n − 1 − y, x)
    const out = affine(x, [0, -1, n - 1, 1, 0, 0, 0, 0]);
    assertClose(out, st.ops.flip(st.ops.transpose(x, [1, 0, 2]), 0));
    assertClose(affine(x, [0, -1, n - 1, 1, 0, 0, 0, 0], { interpolation: "nearest" }), out);
  });

  it("the identity and integer shifts move pixels exactly", () => {
    assertClose(affine(img, [1, 0, 0, 0, 1, 0, 0, 0]), img);
    const shifted = affine(img, [1, 0, 2, 0, 1, 1, 0, 0]); // out(x, y) = in(x + 2, y + 1)
    assertClose(
      st.ops.slice(shifted, [0, 0, 0, 0], [2, 4, 4, 2]),
      st.ops.slice(img, [0, 1, 2, 0], [2, 4, 4, 2]),
    );
  });

  it("fill modes at the border (a shift right by 2 of one row 0 1 2 3)", () => {
    const row = st.tensor([0, 1, 2, 3]).reshape([1, 4, 1]);
    const shift = [1, 0, -2, 0, 1, 0, 0, 0];
    const first = (mode: Mode, fillValue = 0) =>
      Array.from(affine(row, shift, { fillMode: mode, fillValue }).dataSync());
    assert.deepEqual(first("constant", -1), [-1, -1, 0, 1]);
    assert.deepEqual(first("nearest"), [0, 0, 0, 1]);
    assert.deepEqual(first("wrap"), [2, 3, 0, 1]);
    assert.deepEqual(first("reflect"), [1, 0, 0, 1]);
    assert.deepEqual(first("mirror"), [2, 1, 0, 1]);
  });

  const rows = [
    [0.9, 0.3, -0.7, -0.25, 1.1, 0.4, 0, 0],
    [1.4, -0.5, 0.6, 0.35, 0.8, -1.3, 0, 0],
  ];
  for (const interp of ["bilinear", "nearest"] as const) {
    for (const mode of ["constant", "nearest", "wrap", "mirror", "reflect"] as const) {
      it(`${interp}, fillMode ${mode}: matches a float64 loop`, () => {
        const out = affine(img, rows, { interpolation: interp, fillMode: mode, fillValue: 0.5 });
        assert.equal(out.dtype, "float64");
        assertClose(out, reference(img, rows, interp, mode, 0.5).out, { rtol: 1e-9, atol: 1e-12 });
      });
    }
  }

  it("projective rows (c0, c1) divide by k = c0·x + c1·y + 1", () => {
    const proj = [[1, 0.1, 0.2, 0.05, 1, 0.1, 0.04, -0.03]];
    assertClose(affine(img, proj), reference(img, proj, "bilinear", "constant", 0).out, {
      rtol: 1e-9,
      atol: 1e-12,
    });
  });

  it("one row serves the whole batch; rank 3 and channels_first agree", () => {
    const one = [rows[0]!];
    const expected = reference(img, one, "bilinear", "reflect", 0).out;
    assertClose(affine(img, one[0]!, { fillMode: "reflect" }), expected, {
      rtol: 1e-9,
      atol: 1e-12,
    });
    const cf = affine(st.ops.transpose(img, [0, 3, 1, 2]), one, {
      fillMode: "reflect",
      dataFormat: "channels_first",
    });
    assertClose(st.ops.transpose(cf, [0, 2, 3, 1]), expected, { rtol: 1e-9, atol: 1e-12 });
    const single = st.ops.slice(img, [0, 0, 0, 0], [1, 5, 6, 2]).reshape([5, 6, 2]);
    assert.deepEqual(affine(single, one[0]!).shape, [5, 6, 2]);
  });

  it("uint8 images are resampled in float and rounded half away from zero", () => {
    const x = st.tensor(new Uint8Array([10, 21, 200, 255]), [1, 4, 1]);
    const out = affine(x, [1, 0, 0.5, 0, 1, 0, 0, 0], { fillMode: "nearest" });
    assert.equal(out.dtype, "uint8");
    // 15.5 → 16, 110.5 → 111, 227.5 → 228, 255
    assert.deepEqual(Array.from(out.dataSync()), [16, 111, 228, 255]);
  });

  it("is differentiable in the images: d Σ out / d x is the weight each pixel receives", () => {
    const v = new st.Variable(img);
    const { grads } = st.valueAndGrad(() => st.ops.sum(affine(v.value, rows)), [v]);
    assertClose(grads[0]!, reference(img, rows, "bilinear", "constant", 0).grad, {
      rtol: 1e-9,
      atol: 1e-12,
    });
  });

  it("rejects bad arguments, naming them", () => {
    assert.throws(
      () => affine(img, [1, 0, 0]),
      (e: Error) => e instanceof ShapeError && /transform must be a vector of 8/.test(e.message),
    );
    assert.throws(() => affine(img, [rows[0]!, rows[1]!, rows[0]!]), /3 rows for a batch of 2/);
    assert.throws(() => affine(img, rows[0]!, { fillMode: "edge" as never }), ValueError);
    assert.throws(
      () => affine(img, rows[0]!, { interpolation: "bicubic" as never }),
      /"nearest" or "bilinear"/,
    );
    assert.throws(() => affine(st.zeros([3, 3]), rows[0]!), ShapeError);
  });
});
