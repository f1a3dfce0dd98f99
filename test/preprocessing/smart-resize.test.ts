/**
 * preprocessing.image.smartResize (Keras's smart_resize) against crops and 2×2 block means
 * computed by loops in the test: a half-pixel bilinear resize to half the size averages each
 * 2×2 block, so the expected values need no resize code.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { assertClose } from "../helpers.js";

const { smartResize } = st.preprocessing.image;

/** values[b][c][y][x] of an image filled with distinct numbers. */
function image(b: number, h: number, w: number, c: number, first: boolean): st.Tensor {
  const shape = first ? [b, c, h, w] : [b, h, w, c];
  return st.tensor(
    Float64Array.from({ length: b * h * w * c }, (_, i) => Math.sin(i * 1.7) * 10 + i / 3),
    shape,
  );
}

/** The 2×2 block means of the window [y0, y0 + 2·oh) × [x0, x0 + 2·ow), channels last. */
function blockMeans(
  x: st.Tensor,
  y0: number,
  x0: number,
  oh: number,
  ow: number,
  first: boolean,
): number[] {
  const v = x.dataSync();
  const [b, d1, d2, d3] = x.shape as [number, number, number, number];
  const at = (n: number, yy: number, xx: number, ch: number) =>
    first ? v[((n * d1 + ch) * d2 + yy) * d3 + xx]! : v[((n * d1 + yy) * d2 + xx) * d3 + ch]!;
  const channels = first ? d1 : d3;
  const out: number[] = [];
  for (let n = 0; n < b; n++) {
    const cell = (i: number, j: number, ch: number) => {
      const [yy, xx] = [y0 + 2 * i, x0 + 2 * j];
      return (
        (at(n, yy, xx, ch) +
          at(n, yy + 1, xx, ch) +
          at(n, yy, xx + 1, ch) +
          at(n, yy + 1, xx + 1, ch)) /
        4
      );
    };
    if (first) {
      for (let ch = 0; ch < channels; ch++)
        for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) out.push(cell(i, j, ch));
    } else {
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) for (let ch = 0; ch < channels; ch++) out.push(cell(i, j, ch));
    }
  }
  return out;
}

describe("preprocessing.image.smartResize", () => {
  it("crops the centred window of the target's aspect ratio, then resizes", () => {
    // (6, 10) → (3, 3): crop 6×6 from column 2, then 2×2 means
    const x = image(1, 6, 10, 2, false);
    const out = smartResize(st.ops.reshape(x, [6, 10, 2]), [3, 3]);
    assert.deepEqual(out.shape, [3, 3, 2]);
    assertClose(out, blockMeans(x, 0, 2, 3, 3, false), { atol: 1e-12 });
    // a batch, channels first: (9, 4) → (4, 2): crop 8×4 from row 0
    const y = image(2, 9, 4, 3, true);
    const outY = smartResize(y, [4, 2], { dataFormat: "channels_first" });
    assert.deepEqual(outY.shape, [2, 3, 4, 2]);
    assertClose(outY, blockMeans(y, 0, 0, 4, 2, true), { atol: 1e-12 });
    // (7, 5) → (5, 5): the crop is the target, rows 1…5
    const z = st.ops.reshape(image(1, 7, 5, 1, false), [7, 5, 1]);
    const expected = Array.from(z.dataSync()).slice(5, 30);
    assertClose(smartResize(z, [5, 5], { interpolation: "bicubic" }), expected, { atol: 0 });
  });

  it("keeps Keras's crop rounding", () => {
    const x = st.ops.reshape(image(1, 5, 8, 1, false), [5, 8, 1]);
    const out = smartResize(x, [3, 8], { interpolation: "nearest" });
    const v = Array.from(x.dataSync());
    // (5, 8) → (3, 8): crop 3×8 from row 1 (width ⌊5·8/3⌋ = 13 ≥ 8): the rows 1…3 as they are
    assertClose(out, v.slice(8, 32), { atol: 0 });
  });

  it("refuses what Keras refuses", () => {
    assert.throws(() => smartResize(st.zeros([4, 4, 1]), [2] as never), /\[height, width\]/);
    assert.throws(() => smartResize(st.zeros([4, 4]), [2, 2]), st.ShapeError);
    assert.throws(() => smartResize(st.zeros([1, 1, 4, 4, 1]), [2, 2]), st.ShapeError);
  });
});
