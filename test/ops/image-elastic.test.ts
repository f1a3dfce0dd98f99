// ops.image.elasticTransform: alpha 0 is the identity; sampling a coordinate image recovers the
// displacement field, which is smooth, independent per axis and reproducible for a seed.
import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ValueError } from "../../src/errors.js";
import { assertClose, eachBackend } from "../helpers.js";

/** [1, n, n, 2]: channel 0 is the row, channel 1 the column (bilinear reproduces it exactly). */
function coordinateImage(n: number): st.Tensor {
  const v = new Float64Array(n * n * 2);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      v[(y * n + x) * 2] = y;
      v[(y * n + x) * 2 + 1] = x;
    }
  return st.tensor(v, [1, n, n, 2]);
}

eachBackend("ops.image.elasticTransform", () => {
  const { elasticTransform } = st.ops.image;
  const img = st.random.uniform([2, 9, 10, 3], { seed: 1 });

  it("alpha 0 is the identity", () => {
    assertClose(elasticTransform(img, { alpha: 0, seed: 1 }), img);
  });

  it("the displacement is smooth, independent per axis, and alpha scales it", () => {
    const n = 24;
    const alpha = 2;
    const out = elasticTransform(coordinateImage(n), {
      alpha,
      sigma: 3,
      seed: 7,
      fillMode: "constant",
      fillValue: -1e3,
    });
    const v = out.dataSync();
    const dy: number[] = [];
    const dx: number[] = [];
    let jumps = 0;
    let pairs = 0;
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        const [sy, sx] = [v[(y * n + x) * 2]!, v[(y * n + x) * 2 + 1]!];
        if (sy < 0 || sx < 0) continue; // sampled outside: read the fill value
        dy.push((sy - y) / alpha);
        dx.push((sx - x) / alpha);
        if (x + 1 < n && v[(y * n + x + 1) * 2]! >= 0) {
          jumps += Math.abs(v[(y * n + x + 1) * 2]! - sy) / alpha;
          pairs++;
        }
      }
    const rms = (a: number[]) => Math.sqrt(a.reduce((s, u) => s + u * u, 0) / a.length);
    assert.ok(dy.length > n * n * 0.8, "most samples stay inside");
    assert.ok(rms(dy) > 0.05 && rms(dx) > 0.05, `fields too small: ${rms(dy)}, ${rms(dx)}`);
    assert.ok(
      jumps / pairs < rms(dy) / 2,
      `not smooth: mean step ${jumps / pairs}, rms ${rms(dy)}`,
    );
    assert.notDeepEqual(dy.slice(0, 20), dx.slice(0, 20));
  });

  it("is reproducible for a seed; channels_first and one image agree; uint8 stays uint8", () => {
    const a = elasticTransform(img, { seed: 3, alpha: 5, sigma: 2 });
    assertClose(elasticTransform(img, { seed: 3, alpha: 5, sigma: 2 }), a);
    assert.notDeepEqual(
      Array.from(elasticTransform(img, { seed: 4, alpha: 5, sigma: 2 }).dataSync()),
      Array.from(a.dataSync()),
    );
    const cf = elasticTransform(st.ops.transpose(img, [0, 3, 1, 2]), {
      seed: 3,
      alpha: 5,
      sigma: 2,
      dataFormat: "channels_first",
    });
    assertClose(st.ops.transpose(cf, [0, 2, 3, 1]), a);
    const one = st.ops.slice(img, [0, 0, 0, 0], [1, 9, 10, 3]);
    assertClose(
      elasticTransform(one.reshape([9, 10, 3]), { seed: 3, alpha: 5, sigma: 2 }).reshape([
        1, 9, 10, 3,
      ]),
      elasticTransform(one, { seed: 3, alpha: 5, sigma: 2 }),
    );
    const u8 = elasticTransform(st.tensor(new Uint8Array(36).fill(200), [6, 6, 1]), {
      seed: 1,
      alpha: 3,
      sigma: 1,
    });
    assert.equal(u8.dtype, "uint8");
    assert.ok(
      Array.from(u8.dataSync()).every((p) => p === 200),
      "a flat image stays flat (reflect fill)",
    );
  });

  it("rejects bad arguments", () => {
    assert.throws(
      () => elasticTransform(img, { sigma: -1 }),
      (e: Error) => e instanceof ValueError && /sigma a number >= 0/.test(e.message),
    );
    assert.throws(
      () => elasticTransform(img, { fillMode: "edge" as never }),
      /fillMode must be one of/,
    );
  });
});
