// MixUp and CutMix (Keras 3.16): the Beta sampler's moments, images and labels mixed with the
// same draw, rectangles of the right area, seeds and .keras round trips.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Generator } from "../../src/tensor/random.js";
import { CutMix } from "../../src/layers/preprocessing/numeric/cut-mix.js";
import {
  betaSample,
  gammaSample,
  shuffledIndices,
} from "../../src/layers/preprocessing/numeric/mix-draws.js";
import { MixUp } from "../../src/layers/preprocessing/numeric/mix-up.js";
import { kerasRoundTrip } from "./preprocessing-image-helpers.js";

const values = (t: st.Tensor) => Array.from(t.dataSync(), Number);

/** n images [n, 3, 4, 1], image i filled with 100·i; one-hot labels of n classes. */
function constantBatch(n: number): { images: st.Tensor; labels: st.Tensor } {
  const images = st.tensor(
    Array.from({ length: n * 12 }, (_, k) => 100 * Math.floor(k / 12)),
    [n, 3, 4, 1],
  );
  return { images, labels: st.ops.oneHot(st.arange(n, undefined, 1, "int32"), n) };
}

describe("mixing draws", () => {
  it("Gamma and Beta samples have the right means and variances", () => {
    const rng = new Generator(1);
    const moments = (xs: number[]): [number, number] => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return [m, xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length];
    };
    for (const a of [0.3, 2.5]) {
      const [m, v] = moments(Array.from({ length: 20000 }, () => gammaSample(rng, a)));
      assert.ok(Math.abs(m - a) < 0.05 * a + 0.02, `Gamma(${a}) mean ${m}`);
      assert.ok(Math.abs(v - a) < 0.1 * a + 0.02, `Gamma(${a}) variance ${v}`);
    }
    // Beta(0.2, 0.2): mean 1/2, variance 1 / (4 · 1.4).
    const [m, v] = moments(Array.from({ length: 20000 }, () => betaSample(rng, 0.2, 0.2)));
    assert.ok(Math.abs(m - 0.5) < 0.02, `Beta mean ${m}`);
    assert.ok(Math.abs(v - 1 / 5.6) < 0.01, `Beta variance ${v}`);
    assert.deepEqual([...shuffledIndices(rng, 6)].sort(), [0, 1, 2, 3, 4, 5]);
  });
});

describe("MixUp", () => {
  it("blends each image with a permuted one, and its labels with the same weight", () => {
    const { images, labels } = constantBatch(4);
    const out = new MixUp({ alpha: 0.5, seed: 3 }).applyWithLabels(
      { images, labels },
      { training: true },
    );
    const x = values(out.images);
    const y = out.labels.toArray() as number[][];
    for (let i = 0; i < 4; i++) {
      const img = x.slice(12 * i, 12 * i + 12);
      assert.ok(
        img.every((v) => Math.abs(v - img[0]!) < 1e-3),
        "each image stays constant",
      );
      // labels: λ at class i, 1 − λ at class perm(i); the image: λ·100i + (1 − λ)·100·perm(i).
      const row = y[i]!;
      const other = row.findIndex((v, c) => c !== i && v > 0);
      const lambda = other < 0 ? 1 : row[i]!;
      const j = other < 0 ? i : other;
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, "labels still sum to 1");
      assert.ok(Math.abs(img[0]! - (lambda * 100 * i + (1 - lambda) * 100 * j)) < 1e-3);
    }
  });

  it("is the identity at inference, deterministic per seed, and round-trips through .keras", async () => {
    const { images, labels } = constantBatch(3);
    const still = new MixUp().applyWithLabels({ images, labels });
    assert.deepEqual(still.images.toArray(), images.toArray());
    assert.deepEqual(still.labels.toArray(), labels.toArray());
    const a = new MixUp({ seed: 9 }).apply(images, { training: true });
    const b = new MixUp({ seed: 9 }).apply(images, { training: true });
    assert.deepEqual(a.toArray(), b.toArray());
    assert.equal(new MixUp().getConfig().alpha, 0.2);
    assert.throws(() => new MixUp({ alpha: 0 }), /alpha must be a positive number/);
    assert.throws(
      () => new MixUp().applyWithLabels({ images, labels: st.ones([2, 3]) }),
      /one row per image/,
    );
    await kerasRoundTrip(() => new MixUp({ alpha: 0.4, seed: 2 }), images, true);
  });
});

describe("CutMix", () => {
  it("pastes one rectangle from another image; labels weighted by the area left", () => {
    const { labels } = constantBatch(4);
    const big = st.tensor(
      Array.from({ length: 4 * 10 * 12 }, (_, k) => 100 * Math.floor(k / 120)),
      [4, 10, 12, 1],
    );
    const out = new CutMix({ seed: 5 }).applyWithLabels(
      { images: big, labels },
      { training: true },
    );
    const x = values(out.images);
    const y = out.labels.toArray() as number[][];
    for (let i = 0; i < 4; i++) {
      const rows: number[] = [];
      const cols: number[] = [];
      let pasted = 0;
      let from = i;
      for (let r = 0; r < 10; r++) {
        for (let c = 0; c < 12; c++) {
          const v = x[i * 120 + r * 12 + c]!;
          if (v !== 100 * i) {
            pasted++;
            rows.push(r);
            cols.push(c);
            from = v / 100;
          }
        }
      }
      if (pasted > 0) {
        // The pasted pixels form a full rectangle.
        const h = Math.max(...rows) - Math.min(...rows) + 1;
        const w = Math.max(...cols) - Math.min(...cols) + 1;
        assert.equal(pasted, h * w, `image ${i}: a rectangle`);
      }
      const row = y[i]!;
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      if (from !== i) {
        // The label weight of the pasted image is the rectangle's area fraction, up to the
        // pixel grid (sides of real length, at most one pixel more or less per side).
        const share = row[from]!;
        assert.ok(
          Math.abs(share - pasted / 120) < (10 + 12 + 1) / 120,
          `image ${i}: ${share} vs ${pasted / 120}`,
        );
      }
    }
  });

  it("is the identity at inference and for a batch of one; seeded; config and .keras", async () => {
    const { images } = constantBatch(3);
    assert.deepEqual(new CutMix().apply(images).toArray(), images.toArray());
    const single = images.slice([0, 0, 0, 0], [1, 3, 4, 1]).reshape([3, 4, 1]);
    assert.deepEqual(
      new CutMix({ seed: 1 }).apply(single, { training: true }).toArray(),
      single.toArray(),
    );
    const a = new CutMix({ seed: 4 }).apply(images, { training: true });
    assert.deepEqual(
      new CutMix({ seed: 4 }).apply(images, { training: true }).toArray(),
      a.toArray(),
    );
    assert.deepEqual(new CutMix().getConfig().factor, [0, 1]);
    const cf = new CutMix({ seed: 4, dataFormat: "channels_first" });
    const outCf = cf.apply(st.ops.transpose(images, [0, 3, 1, 2]), { training: true });
    assert.deepEqual(st.ops.transpose(outCf, [0, 2, 3, 1]).toArray(), a.toArray());
    await kerasRoundTrip(() => new CutMix({ factor: 0.5, seed: 2 }), images, true);
  });
});
