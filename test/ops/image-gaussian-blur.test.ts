// ops.image.gaussianBlur against a float64 loop written here (normalized Gaussian taps, "same"
// zero padding with ⌊(k − 1)/2⌋ before), on every backend.
import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ShapeError, ValueError } from "../../src/errors.js";
import { assertClose, eachBackend } from "../helpers.js";

function taps(k: number, sigma: number): number[] {
  const c = (k - 1) / 2;
  const w = Array.from({ length: k }, (_, i) => Math.exp(-((i - c) ** 2) / (2 * sigma * sigma)));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / s);
}

function reference(
  img: st.Tensor,
  [kh, kw]: [number, number],
  [sh, sw]: [number, number],
): number[] {
  const [B, H, W, C] = img.shape as [number, number, number, number];
  const v = Float64Array.from(img.dataSync());
  const ty = taps(kh, sh);
  const tx = taps(kw, sw);
  const [py, px] = [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2)];
  const out: number[] = [];
  for (let b = 0; b < B; b++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        for (let c = 0; c < C; c++) {
          let s = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const [yy, xx] = [y + i - py, x + j - px];
              if (yy >= 0 && yy < H && xx >= 0 && xx < W)
                s += ty[i]! * tx[j]! * v[((b * H + yy) * W + xx) * C + c]!;
            }
          out.push(s);
        }
  return out;
}

eachBackend("ops.image.gaussianBlur", () => {
  const { gaussianBlur } = st.ops.image;
  const img = st.random.uniform([2, 7, 8, 3], { seed: 9, dtype: "float64" });

  for (const [size, sigma] of [
    [
      [3, 3],
      [1, 1],
    ],
    [
      [5, 3],
      [1.5, 0.7],
    ],
    [
      [4, 2],
      [2, 1],
    ],
  ] as [[number, number], [number, number]][]) {
    it(`kernel ${size.join("x")}, sigma ${sigma.join("/")}: matches a float64 loop`, () => {
      const out = gaussianBlur(img, { kernelSize: size, sigma });
      assert.equal(out.dtype, "float64");
      assertClose(out, reference(img, size, sigma), { rtol: 1e-9, atol: 1e-12 });
    });
  }

  it("defaults to 3x3, sigma 1; one image and channels_first agree; constant interiors stay", () => {
    const expected = reference(img, [3, 3], [1, 1]);
    assertClose(gaussianBlur(img), expected, { rtol: 1e-9, atol: 1e-12 });
    const cf = gaussianBlur(st.ops.transpose(img, [0, 3, 1, 2]), { dataFormat: "channels_first" });
    assertClose(st.ops.transpose(cf, [0, 2, 3, 1]), expected, { rtol: 1e-9, atol: 1e-12 });
    const flat = gaussianBlur(st.full([5, 5, 1], 4));
    assertClose(st.ops.slice(flat, [1, 1, 0], [3, 3, 1]), st.full([3, 3, 1], 4), { rtol: 1e-6 });
  });

  it("uint8 is blurred in float and rounded back", () => {
    const u8 = st.tensor(new Uint8Array([0, 0, 0, 0, 255, 0, 0, 0, 0]), [3, 3, 1]);
    const out = gaussianBlur(u8);
    assert.equal(out.dtype, "uint8");
    const expected = reference(
      st.ops.cast(u8, "float64").reshape([1, 3, 3, 1]),
      [3, 3],
      [1, 1],
    ).map(Math.round);
    assert.deepEqual(Array.from(out.dataSync()), expected);
  });

  it("rejects bad arguments", () => {
    assert.throws(
      () => gaussianBlur(img, { kernelSize: [3, 0] }),
      (e: Error) =>
        e instanceof ValueError && /kernelSize must be two positive integers/.test(e.message),
    );
    assert.throws(
      () => gaussianBlur(img, { sigma: [1, -1] }),
      /sigma must be two positive numbers/,
    );
    assert.throws(() => gaussianBlur(st.zeros([3, 3])), ShapeError);
  });
});
