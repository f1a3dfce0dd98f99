// ops.image.sobelEdges: Keras's documented vertical edge, and a loop written here (Sobel taps,
// zero padding), on every backend.
import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { assertClose, eachBackend } from "../helpers.js";

eachBackend("ops.image.sobelEdges", () => {
  const { sobelEdges } = st.ops.image;

  it("Keras's example: a vertical edge gives dx only, shape (1, 8, 8, 1, 2)", () => {
    const v = new Float32Array(64);
    for (let y = 0; y < 8; y++) for (let x = 4; x < 8; x++) v[y * 8 + x] = 1;
    const edges = sobelEdges(st.tensor(v, [1, 8, 8, 1]));
    assert.deepEqual(edges.shape, [1, 8, 8, 1, 2]);
    const e = edges.dataSync();
    // interior row 3: dx is 4 at columns 3 and 4 (the edge), 0 elsewhere but at the zero-padded right border; dy is 0
    const dx = Array.from({ length: 8 }, (_, x) => e[(3 * 8 + x) * 2 + 1]);
    assert.deepEqual(dx, [0, 0, 0, 4, 4, 0, 0, -4]);
    assert.ok(Array.from({ length: 8 }, (_, x) => e[(3 * 8 + x) * 2]).every((d) => d === 0));
  });

  it("matches a loop with zero padding; channels_first puts channels before the spatial axes", () => {
    const img = st.random.uniform([2, 5, 6, 3], { seed: 4, dtype: "float64" });
    const v = img.dataSync();
    const ky = [
      [-1, -2, -1],
      [0, 0, 0],
      [1, 2, 1],
    ];
    const kx = [
      [-1, 0, 1],
      [-2, 0, 2],
      [-1, 0, 1],
    ];
    const expected: number[] = [];
    for (let b = 0; b < 2; b++)
      for (let y = 0; y < 5; y++)
        for (let x = 0; x < 6; x++)
          for (let c = 0; c < 3; c++)
            for (const k of [ky, kx]) {
              let s = 0;
              for (let i = -1; i <= 1; i++)
                for (let j = -1; j <= 1; j++)
                  if (y + i >= 0 && y + i < 5 && x + j >= 0 && x + j < 6)
                    s += k[i + 1]![j + 1]! * v[((b * 5 + y + i) * 6 + x + j) * 3 + c]!;
              expected.push(s);
            }
    const out = sobelEdges(img);
    assertClose(out, expected, { rtol: 1e-12, atol: 1e-12 });
    const cf = sobelEdges(st.ops.transpose(img, [0, 3, 1, 2]), { dataFormat: "channels_first" });
    assert.deepEqual(cf.shape, [2, 3, 5, 6, 2]);
    assertClose(st.ops.transpose(cf, [0, 2, 3, 1, 4]), out, { rtol: 1e-12, atol: 1e-12 });
  });
});
