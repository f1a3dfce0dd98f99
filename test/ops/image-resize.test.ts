// ops.image.resize against hand-computed cases and float64 loops written here: each output pixel
// is computed directly as a 2-D weighted sum of the input (kernel taps with half-pixel centres,
// renormalized, as jax.image.scale_and_translate), on every backend.
import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { DTypeError, ShapeError, ValueError } from "../../src/errors.js";
import { assertClose, eachBackend } from "../helpers.js";

type Interp = "bilinear" | "bicubic" | "lanczos3" | "lanczos5" | "area" | "nearest";

const KERNEL: Record<string, (x: number) => number> = {
  bilinear: (x) => (x < 1 ? 1 - x : 0),
  bicubic: (x) =>
    x < 1 ? 1.5 * x ** 3 - 2.5 * x ** 2 + 1 : x < 2 ? -0.5 * x ** 3 + 2.5 * x ** 2 - 4 * x + 2 : 0,
  lanczos3: (x) => lanczos(3, x),
  lanczos5: (x) => lanczos(5, x),
};

function lanczos(a: number, x: number): number {
  if (x === 0) return 1;
  if (x > a) return 0;
  const px = Math.PI * x;
  return (Math.sin(px) / px) * (Math.sin(px / a) / (px / a));
}

/** The taps of output `i` of an axis from `n` to `m`: weight per input index, summing to 1. */
function taps(n: number, m: number, i: number, interp: Interp, antialias: boolean): number[] {
  const s = n / m;
  if (interp === "nearest") {
    const w = new Array<number>(n).fill(0);
    w[Math.floor((i + 0.5) * s)] = 1;
    return w;
  }
  if (interp === "area") {
    // overlap of the footprint [i·s, (i+1)·s) with each cell [j, j+1), divided by s
    return Array.from(
      { length: n },
      (_, j) => Math.max(0, Math.min(j + 1, (i + 1) * s) - Math.max(j, i * s)) / s,
    );
  }
  const stretch = antialias ? Math.max(s, 1) : 1;
  const centre = (i + 0.5) * s - 0.5;
  const w = Array.from({ length: n }, (_, j) => KERNEL[interp]!(Math.abs(centre - j) / stretch));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / total);
}

/** out[b, y, x, c] = Σ_i Σ_j ty[i]·tx[j]·img[b, i, j, c], in float64. */
function reference(
  img: st.Tensor,
  [oh, ow]: [number, number],
  interp: Interp,
  antialias = false,
): number[] {
  const [B, H, W, C] = img.shape as [number, number, number, number];
  const v = Float64Array.from(img.dataSync());
  const out: number[] = [];
  for (let b = 0; b < B; b++)
    for (let y = 0; y < oh; y++) {
      const ty =
        oh === H
          ? Array.from({ length: H }, (_, i) => +(i === y))
          : taps(H, oh, y, interp, antialias);
      for (let x = 0; x < ow; x++) {
        const tx =
          ow === W
            ? Array.from({ length: W }, (_, j) => +(j === x))
            : taps(W, ow, x, interp, antialias);
        for (let c = 0; c < C; c++) {
          let sum = 0;
          for (let i = 0; i < H; i++)
            for (let j = 0; j < W; j++) sum += ty[i]! * tx[j]! * v[((b * H + i) * W + j) * C + c]!;
          out.push(sum);
        }
      }
    }
  return out;
}

eachBackend("ops.image.resize", () => {
  const resize = st.ops.image.resize;

  it("bilinear 2x2 → 4x4 by hand (half-pixel centres, edges renormalized)", () => {
    const x = st
      .tensor([
        [1, 2],
        [3, 4],
      ])
      .reshape([2, 2, 1]);
    assertClose(resize(x, [4, 4]).reshape([4, 4]), [
      [1, 1.25, 1.75, 2],
      [1.5, 1.75, 2.25, 2.5],
      [2.5, 2.75, 3.25, 3.5],
      [3, 3.25, 3.75, 4],
    ]);
  });

  it("nearest 3 → 2 and 2 → 4 by hand; area 4x4 → 2x2 averages blocks", () => {
    const row = st.tensor([10, 20, 30]).reshape([1, 3, 1]);
    assertClose(resize(row, [1, 2], { interpolation: "nearest" }).reshape([2]), [10, 30]);
    const two = st.tensor([1, 2]).reshape([1, 2, 1]);
    assertClose(resize(two, [1, 4], { interpolation: "nearest" }).reshape([4]), [1, 1, 2, 2]);
    const x = st.arange(0, 16, 1, "float32").reshape([4, 4, 1]);
    assertClose(resize(x, [2, 2], { interpolation: "area" }).reshape([2, 2]), [
      [2.5, 4.5],
      [10.5, 12.5],
    ]);
  });

  it("antialias widens the bilinear kernel when downsampling (4 → 2 by hand)", () => {
    const x = st.tensor([0, 1, 2, 3]).reshape([1, 4, 1]);
    // centres 0.5 and 2.5, tent of half-width 2: taps (.75, .75, .25, 0) / 1.75 and mirrored
    assertClose(resize(x, [1, 2], { antialias: true }).reshape([2]), [
      1.25 / 1.75,
      3 - 1.25 / 1.75,
    ]);
    assertClose(resize(x, [1, 2]).reshape([2]), [0.5, 2.5]);
  });

  const img = st.random.uniform([2, 5, 7, 3], { seed: 4, dtype: "float64" });
  const sizes: [number, number][] = [
    [3, 4],
    [9, 11],
    [5, 3],
    [2, 13],
  ];
  for (const interp of [
    "bilinear",
    "bicubic",
    "lanczos3",
    "lanczos5",
    "area",
    "nearest",
  ] as const) {
    for (const antialias of interp === "nearest" || interp === "area" ? [false] : [false, true]) {
      it(`${interp}${antialias ? " antialias" : ""} matches a float64 loop`, () => {
        for (const size of sizes) {
          const out = resize(img, size, { interpolation: interp, antialias });
          assert.equal(out.dtype, "float64");
          assert.deepEqual(out.shape, [2, ...size, 3]);
          assertClose(out, reference(img, size, interp, antialias), { rtol: 1e-9, atol: 1e-12 });
        }
      });
    }
  }

  it("float32 keeps its dtype and agrees with the float64 result", () => {
    const out = resize(st.ops.cast(img, "float32"), [4, 9], { interpolation: "bicubic" });
    assert.equal(out.dtype, "float32");
    assertClose(out, reference(img, [4, 9], "bicubic"), { rtol: 1e-5, atol: 1e-5 });
  });

  it("one image (rank 3) and channels_first agree with the batch, channels_last result", () => {
    const expected = resize(img, [3, 8]);
    const one = resize(st.ops.slice(img, [1, 0, 0, 0], [1, 5, 7, 3]).reshape([5, 7, 3]), [3, 8]);
    assertClose(one, st.ops.slice(expected, [1, 0, 0, 0], [1, 3, 8, 3]).reshape([3, 8, 3]));
    const cf = resize(st.ops.transpose(img, [0, 3, 1, 2]), [3, 8], {
      dataFormat: "channels_first",
    });
    assert.deepEqual(cf.shape, [2, 3, 3, 8]);
    assertClose(st.ops.transpose(cf, [0, 2, 3, 1]), expected);
  });

  it("uint8 is resized in float, rounded half to even and saturated back to uint8 (as Keras)", () => {
    const x = st.tensor(new Uint8Array([0, 255]), [1, 2, 1]);
    const out = resize(x, [1, 4]);
    assert.equal(out.dtype, "uint8");
    // 0, 63.75, 191.25, 255
    assert.deepEqual(Array.from(out.dataSync()), [0, 64, 191, 255]);
    const spike = st.tensor(new Uint8Array([0, 0, 0, 255, 255, 255, 250]), [1, 7, 1]);
    const cubic = resize(spike, [1, 16], { interpolation: "bicubic" });
    const float = reference(
      st.ops.cast(spike, "float64").reshape([1, 1, 7, 1]),
      [1, 16],
      "bicubic",
    );
    const expected = float.map((v) => Math.min(255, Math.max(0, Math.round(v))));
    assert.ok(float.some((v) => v < 0) && float.some((v) => v > 255), "the case overshoots");
    assert.deepEqual(Array.from(cubic.dataSync()), expected);
    const near = resize(spike, [1, 3], { interpolation: "nearest" });
    assert.equal(near.dtype, "uint8");
    assert.deepEqual(Array.from(near.dataSync()), [0, 255, 255]);
  });

  it("cropToAspectRatio crops the largest centred window first", () => {
    const x = st.random.uniform([4, 6, 2], { seed: 2 });
    const out = resize(x, [2, 2], { cropToAspectRatio: true });
    assertClose(out, resize(st.ops.slice(x, [0, 1, 0], [4, 4, 2]), [2, 2]));
  });

  it("padToAspectRatio pads the short side evenly with fillValue", () => {
    const x = st
      .tensor([
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ])
      .reshape([2, 4, 1]);
    const out = resize(x, [4, 4], { padToAspectRatio: true, fillValue: -1 });
    assertClose(out.reshape([4, 4]), [
      [-1, -1, -1, -1],
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [-1, -1, -1, -1],
    ]);
  });

  it("is differentiable: d Σ resize(x) / dx is each input's total weight", () => {
    const x = new st.Variable(st.ones([1, 2, 2, 1]));
    const { grads } = st.valueAndGrad(() => st.ops.sum(resize(x.value, [4, 4])), [x]);
    // each column of the 2 → 4 bilinear matrix sums to 2, in both axes
    assertClose(grads[0]!, [4, 4, 4, 4]);
  });

  it("rejects bad arguments, naming them", () => {
    const x = st.zeros([4, 4, 1]);
    assert.throws(
      () => resize(x, [2]),
      (e: Error) => e instanceof ValueError && /size must be \[height, width\]/.test(e.message),
    );
    assert.throws(
      () => resize(x, [0, 2]),
      /size\[0\] \(height\) must be a positive integer; received 0/,
    );
    assert.throws(
      () => resize(x, [2, 2], { interpolation: "cubic" as never }),
      /interpolation must be one of .*received cubic/,
    );
    assert.throws(
      () => resize(x, [2, 2], { cropToAspectRatio: true, padToAspectRatio: true }),
      /only one of/,
    );
    assert.throws(
      () => resize(x, [2, 2], { fillMode: "reflect" as never }),
      /only fillMode "constant"/,
    );
    assert.throws(() => resize(st.zeros([4, 4]), [2, 2]), ShapeError);
    assert.throws(() => resize(st.zeros([4, 4, 1], "bool"), [2, 2]), DTypeError);
  });
});
