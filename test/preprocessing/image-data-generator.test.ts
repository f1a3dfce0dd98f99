// st.preprocessing.image.ImageDataGenerator, one image at a time: Keras's legacy transform geometry
// (flips, rotation, shifts, shear, zoom about the centre), scipy's fill modes, colour shifts,
// standardize / fit, and Keras's seeded parameter draws (values printed by Keras 3's
// get_random_transform with NumPy's legacy generator).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { samplingMap } from "../../src/preprocessing/image/affine-matrix.js";
import { resampleBatch } from "../../src/preprocessing/image/resample.js";

const { ImageDataGenerator } = st.preprocessing.image;

/** An [rows, cols, 1] image from a function of (row, col). */
function image(rows: number, cols: number, f: (r: number, c: number) => number): st.Tensor {
  const v: number[][][] = [];
  for (let r = 0; r < rows; r++) v.push(Array.from({ length: cols }, (_, c) => [f(r, c)]));
  return st.tensor(v);
}

/** The single channel of an [rows, cols, 1] tensor as rows of numbers. */
function plane(t: st.Tensor): number[][] {
  const [rows, cols] = t.shape as [number, number, number];
  const d = t.dataSync();
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => d[r * cols + c]!),
  );
}

function close(actual: number[][], expected: number[][], tol = 1e-4): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((row, r) =>
    row.forEach((v, c) =>
      assert.ok(
        Math.abs(v - expected[r]![c]!) <= tol,
        `at [${r}, ${c}]: ${v} vs ${expected[r]![c]}`,
      ),
    ),
  );
}

const gen = new ImageDataGenerator();
// An asymmetric 3×4 image: value 10·row + col.
const asym = image(3, 4, (r, c) => 10 * r + c);

describe("ImageDataGenerator.applyTransform geometry", () => {
  it("flips horizontally and vertically", () => {
    const h = plane(gen.applyTransform(asym, { flipHorizontal: true }));
    assert.deepEqual(
      h,
      [0, 1, 2].map((r) => [3, 2, 1, 0].map((c) => 10 * r + c)),
    );
    const v = plane(gen.applyTransform(asym, { flipVertical: true }));
    assert.deepEqual(
      v,
      [2, 1, 0].map((r) => [0, 1, 2, 3].map((c) => 10 * r + c)),
    );
  });

  it("rotates 90° counter-clockwise for theta: 90, as np.rot90 (Keras's output)", () => {
    const sq = image(3, 3, (r, c) => 3 * r + c);
    close(plane(gen.applyTransform(sq, { theta: 90 })), [
      [2, 5, 8],
      [1, 4, 7],
      [0, 3, 6],
    ]);
    // The same on a larger square, against rot90 written here: out[r][c] = in[c][n−1−r].
    const n = 6;
    const big = image(n, n, (r, c) => r * n + c);
    const want = Array.from({ length: n }, (_, r) =>
      Array.from({ length: n }, (_, c) => c * n + (n - 1 - r)),
    );
    close(plane(gen.applyTransform(big, { theta: 90 })), want);
    close(
      plane(
        new ImageDataGenerator({ fillMode: "constant", cval: -1 }).applyTransform(big, {
          theta: 90,
        }),
      ),
      want,
      1e-4,
    );
  });

  it("shifts by tx pixels horizontally and ty pixels vertically", () => {
    // tx = 1: output[r, c] = input[r, c + 1], the last column repeats the edge ("nearest").
    close(
      plane(gen.applyTransform(asym, { tx: 1 })),
      [0, 1, 2].map((r) => [1, 2, 3, 3].map((c) => 10 * r + c)),
    );
    close(
      plane(gen.applyTransform(asym, { ty: 2 })),
      [2, 2, 2].map((r) => [0, 1, 2, 3].map((c) => 10 * r + c)),
    );
    // A half pixel blends neighbours (spline order 1).
    const row = image(1, 5, (_r, c) => c + 1);
    close(plane(gen.applyTransform(row, { tx: 0.5 })), [[1.5, 2.5, 3.5, 4.5, 5]]);
    const order0 = new ImageDataGenerator({ interpolationOrder: 0 });
    close(plane(order0.applyTransform(row, { tx: 0.5 })), [[2, 3, 4, 5, 5]]);
  });

  it("zooms about the centre: zoom 2 samples every other pixel, zoom 0.5 magnifies", () => {
    const g = new ImageDataGenerator({ fillMode: "constant", cval: -1 });
    const y = image(5, 5, (r, c) => 5 * r + c);
    close(plane(g.applyTransform(y, { zx: 2, zy: 2 })), [
      [-1, -1, -1, -1, -1],
      [-1, 0, 2, 4, -1],
      [-1, 10, 12, 14, -1],
      [-1, 20, 22, 24, -1],
      [-1, -1, -1, -1, -1],
    ]);
    // Zoom 0.5 reads in[2 + (r − 2) / 2][2 + (c − 2) / 2]; the image is linear, so bilinear is exact.
    const half = Array.from({ length: 5 }, (_, r) =>
      Array.from({ length: 5 }, (_, c) => 5 * (2 + (r - 2) / 2) + (2 + (c - 2) / 2)),
    );
    close(plane(gen.applyTransform(y, { zx: 0.5, zy: 0.5 })), half);
  });

  it("shears and rotates by Keras's matrices (exact on a linear image inside the frame)", () => {
    const g = new ImageDataGenerator({ fillMode: "constant", cval: -1 });
    const n = 5;
    const y = image(n, n, (r, c) => 5 * r + c);
    const s = Math.PI / 4;
    // Shear 45°: input col = c − sin s · (r − 2), input row = 2 + cos s · (r − 2).
    const sheared = plane(g.applyTransform(y, { shear: 45 }));
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const ic = c - Math.sin(s) * (r - 2);
        const ir = 2 + Math.cos(s) * (r - 2);
        const inside = ic >= 0 && ic <= n - 1 && ir >= 0 && ir <= n - 1;
        assert.ok(
          Math.abs(sheared[r]![c]! - (inside ? 5 * ir + ic : -1)) < 1e-4,
          `shear at ${r},${c}`,
        );
      }
    }
    // Keras's own output at row 0 and row 4 (scipy).
    close([sheared[0]!], [[4.34314575, 5.34314575, 6.34314575, -1, -1]]);
    close([sheared[4]!], [[-1, -1, 17.65685425, 18.65685425, 19.65685425]]);
    // 30° counter-clockwise: input (x, y) = R(θ) · (x − 2, y − 2) + 2 with x the column.
    const t = Math.PI / 6;
    const rotated = plane(g.applyTransform(y, { theta: 30 }));
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const ic = Math.cos(t) * (c - 2) - Math.sin(t) * (r - 2) + 2;
        const ir = Math.sin(t) * (c - 2) + Math.cos(t) * (r - 2) + 2;
        const inside = ic >= 0 && ic <= n - 1 && ir >= 0 && ir <= n - 1;
        assert.ok(
          Math.abs(rotated[r]![c]! - (inside ? 5 * ir + ic : -1)) < 1e-4,
          `rotate at ${r},${c}`,
        );
      }
    }
  });

  it("fills the border as scipy's nearest, constant, reflect and wrap (Keras's values)", () => {
    const row = image(1, 5, (_r, c) => c + 1);
    const shifted = (fillMode: "nearest" | "constant" | "reflect" | "wrap") =>
      plane(new ImageDataGenerator({ fillMode, cval: -1 }).applyTransform(row, { tx: 3 }))[0];
    assert.deepEqual(shifted("nearest"), [4, 5, 5, 5, 5]);
    assert.deepEqual(shifted("constant"), [4, 5, -1, -1, -1]);
    assert.deepEqual(shifted("reflect"), [4, 5, 5, 4, 3]);
    // scipy's "wrap" repeats with period n − 1: the first and last samples overlap.
    assert.deepEqual(shifted("wrap"), [4, 5, 2, 3, 4]);
    // Leftwards too: input col = c − 2.
    const left = (fillMode: "nearest" | "reflect" | "wrap") =>
      plane(new ImageDataGenerator({ fillMode }).applyTransform(row, { tx: -2 }))[0];
    assert.deepEqual(left("nearest"), [1, 1, 1, 2, 3]);
    assert.deepEqual(left("reflect"), [2, 1, 1, 2, 3]);
    assert.deepEqual(left("wrap"), [3, 4, 1, 2, 3]);
  });

  it("agrees with ops.image.affineTransform where JAX's conventions equal scipy's (order 1, nearest/reflect)", () => {
    const x = st.random.normal([3, 5, 7, 2], { seed: 1 });
    const params = [
      { theta: 37, tx: 1.3, ty: -2.2, zx: 0.7, zy: 1.4 },
      { shear: 25, zx: 1.9, zy: 0.6, flipHorizontal: true },
      { theta: -120, tx: 6, ty: 4 },
    ];
    const maps = params.map((p) => samplingMap(p, 5, 7));
    for (const mode of ["nearest", "reflect"] as const) {
      const rows = maps.map((m) => [m.cc, m.cr, m.c0, m.rc, m.rr, m.r0, 0, 0]);
      const viaOp = st.ops.image
        .affineTransform(x, rows, { fillMode: mode, interpolation: "bilinear" })
        .dataSync();
      const planned = resampleBatch(x, maps, mode, 0, 1).dataSync();
      viaOp.forEach((v, i) => assert.ok(Math.abs(v - planned[i]!) < 1e-5, `${mode} at ${i}`));
    }
  });

  it("keeps channels apart and supports channels_first", () => {
    const rgb = st.tensor([
      [
        [1, 10],
        [2, 20],
        [3, 30],
      ],
    ]); // [1, 3, 2]
    const out = gen.applyTransform(rgb, { flipHorizontal: true });
    assert.deepEqual(out.toArray(), [
      [
        [3, 30],
        [2, 20],
        [1, 10],
      ],
    ]);
    const cf = new ImageDataGenerator({ dataFormat: "channels_first" });
    const chw = st.ops.transpose(rgb, [2, 0, 1]); // [2, 1, 3]
    assert.deepEqual(cf.applyTransform(chw, { tx: 1 }).toArray(), [[[2, 3, 3]], [[20, 30, 30]]]);
  });

  it("shifts channels within the image's range and changes brightness through 8 bits, as Keras", () => {
    const x = st.tensor([[[10], [20], [250]]]); // [1, 3, 1]
    assert.deepEqual(gen.applyTransform(x, { channelShiftIntensity: 15 }).toArray(), [
      [[25], [35], [250]],
    ]);
    const px = st.tensor([[[10.7], [100], [200]]]);
    // ⌊10.7⌋ = 10 → ⌊15⌋; 100 → 150; 200 → 300, clipped to 255.
    assert.deepEqual(gen.applyTransform(px, { brightness: 1.5 }).toArray(), [[[15], [150], [255]]]);
    // Outside [0, 255] the image is stretched to 8 bits and back: −1…1 becomes 0, 127, 255.
    const unit = st.tensor([[[-1], [0], [1]]]);
    const dim = plane(gen.applyTransform(unit, { brightness: 0.5 }))[0]!;
    close([dim], [[-1, (63 / 255) * 2 - 1, (127 / 255) * 2 - 1]]);
  });
});

describe("ImageDataGenerator random parameters", () => {
  it("draws Keras's parameters for a seed (width shift horizontal, height shift vertical)", () => {
    const g = new ImageDataGenerator({
      rotationRange: 30,
      widthShiftRange: 0.1,
      heightShiftRange: 0.2,
      shearRange: 10,
      zoomRange: 0.2,
      horizontalFlip: true,
      verticalFlip: true,
      channelShiftRange: 5,
      brightnessRange: [0.5, 1.5],
    });
    const p = g.getRandomTransform([32, 48, 3], 0);
    // Keras 3 returns theta 2.9288102356394887, tx 2.7544238895669686 (its height draw),
    // ty 0.9865284102877809 (its width draw), shear 0.8976636599379368, zx 0.9694619197355618,
    // zy 1.0583576452266623, flips 1 and 0, channel shift 4.636627605010293, brightness
    // 0.8834415188257777. Strata puts the height draw on ty (vertical) and the width draw on tx.
    const want = {
      theta: 2.9288102356394887,
      ty: 2.7544238895669686,
      tx: 0.9865284102877809,
      shear: 0.8976636599379368,
      zx: 0.9694619197355618,
      zy: 1.0583576452266623,
      channelShiftIntensity: 4.636627605010293,
      brightness: 0.8834415188257777,
    };
    for (const [k, v] of Object.entries(want)) {
      assert.ok(
        Math.abs((p as Record<string, number>)[k]! - v) < 1e-12,
        `${k}: ${(p as Record<string, number>)[k]} vs ${v}`,
      );
    }
    assert.equal(p.flipHorizontal, true);
    assert.equal(p.flipVertical, false);
    const q = g.getRandomTransform([32, 48, 3], 7);
    assert.ok(Math.abs(q.theta! - -25.42150263756257) < 1e-12);
    assert.ok(Math.abs(q.ty! - 3.582960540673467) < 1e-12);
    assert.equal(q.flipVertical, true);
    assert.deepEqual(g.getRandomTransform([32, 48, 3], 0), p, "deterministic for a seed");
  });

  it("draws whole pixels for integer and list shift ranges, as Keras", () => {
    const g = new ImageDataGenerator({
      heightShiftRange: [2, 5],
      widthShiftRange: 3,
      horizontalFlip: true,
    });
    const p = g.getRandomTransform([32, 48, 3], 11);
    // Keras: tx 5 (height), ty 0 (width), flip_horizontal 1.
    assert.equal(p.ty, 5);
    assert.equal(Math.abs(p.tx!), 0);
    assert.equal(p.flipHorizontal, true);
    for (let seed = 0; seed < 30; seed++) {
      const r = g.getRandomTransform([8, 8, 1], seed);
      assert.ok([2, 5].includes(Math.abs(r.ty!)) && [0, 1, 2].includes(Math.abs(r.tx!)));
    }
  });

  it("randomTransform applies the seeded draw", () => {
    const g = new ImageDataGenerator({ rotationRange: 40, zoomRange: 0.3, horizontalFlip: true });
    const params = g.getRandomTransform(asym.shape, 3);
    assert.deepEqual(
      g.randomTransform(asym, 3).toArray(),
      g.applyTransform(asym, params).toArray(),
    );
  });
});

describe("ImageDataGenerator standardize and fit", () => {
  const batch = st.tensor(
    Array.from({ length: 4 }, (_, i) =>
      Array.from({ length: 2 }, (_, r) =>
        Array.from({ length: 3 }, (_, c) => [i * 6 + r * 3 + c, 100 - 2 * (i + r + c)]),
      ),
    ),
  ); // [4, 2, 3, 2]

  /** Per-channel float64 mean and (population) std over samples, rows and columns. */
  function stats(x: st.Tensor, scale = 1): { mean: number[]; std: number[] } {
    const d = Array.from(x.dataSync(), (v) => v * scale);
    const ch = x.shape[3]!;
    const mean = Array.from({ length: ch }, (_, k) => {
      let s = 0;
      for (let i = k; i < d.length; i += ch) s += d[i]!;
      return s / (d.length / ch);
    });
    const std = mean.map((m, k) => {
      let s = 0;
      for (let i = k; i < d.length; i += ch) s += (d[i]! - m) ** 2;
      return Math.sqrt(s / (d.length / ch));
    });
    return { mean, std };
  }

  it("rescales", () => {
    const g = new ImageDataGenerator({ rescale: 1 / 255 });
    const out = g.standardize(st.tensor([[[255], [51]]]));
    close(plane(out), [[1, 0.2]]);
  });

  it("fit computes the feature-wise mean and std; standardize centres and scales by them", () => {
    const g = new ImageDataGenerator({
      featurewiseCenter: true,
      featurewiseStdNormalization: true,
      rescale: 0.5,
    });
    g.fit(batch);
    const { mean, std } = stats(batch, 0.5);
    assert.deepEqual(g.mean!.shape, [1, 1, 2]);
    close([Array.from(g.mean!.dataSync())], [mean]);
    close([Array.from(g.std!.dataSync())], [std]);
    const one = st.ops.take(batch, st.tensor([1], [1], "int32"), 0);
    const out = g.standardize(one).dataSync();
    const raw = one.dataSync();
    out.forEach((v, i) => {
      const k = i % 2;
      assert.ok(Math.abs(v - (raw[i]! * 0.5 - mean[k]!) / (std[k]! + 1e-6)) < 1e-4);
    });
  });

  it("featurewise centering alone subtracts the mean computed here", () => {
    const g = new ImageDataGenerator({ featurewiseCenter: true });
    g.fit(batch);
    const { mean } = stats(batch);
    const out = g.standardize(batch).dataSync();
    const raw = batch.dataSync();
    out.forEach((v, i) => assert.ok(Math.abs(v - (raw[i]! - mean[i % 2]!)) < 1e-4));
  });

  it("fit with augment: flips move pixels but keep each channel's mean and std", () => {
    const g = new ImageDataGenerator({
      featurewiseStdNormalization: true,
      horizontalFlip: true,
      verticalFlip: true,
    });
    g.fit(batch, { augment: true, rounds: 3, seed: 4 });
    const { mean, std } = stats(batch);
    close([Array.from(g.mean!.dataSync())], [mean]);
    close([Array.from(g.std!.dataSync())], [std]);
  });

  it("fit in channels_first keeps statistics per channel on axis 1", () => {
    const g = new ImageDataGenerator({ featurewiseCenter: true, dataFormat: "channels_first" });
    g.fit(st.ops.transpose(batch, [0, 3, 1, 2]));
    assert.deepEqual(g.mean!.shape, [2, 1, 1]);
    close([Array.from(g.mean!.dataSync())], [stats(batch).mean]);
  });

  it("samplewise normalization uses each call's own statistics", () => {
    const g = new ImageDataGenerator({ samplewiseStdNormalization: true });
    assert.equal(g.samplewiseCenter, true, "implied, as Keras");
    const x = st.tensor([
      [[1], [3]],
      [[5], [7]],
    ]);
    // mean 4, std √5.
    close(
      plane(g.standardize(x)),
      [
        [-3, -1],
        [1, 3],
      ].map((r) => r.map((v) => v / (Math.sqrt(5) + 1e-6))),
    );
  });

  it("warns once when feature-wise statistics are used before fit", (t) => {
    const warn = t.mock.method(console, "warn", () => {});
    const g = new ImageDataGenerator({ featurewiseCenter: true });
    const x = st.tensor([[[1], [2]]]);
    assert.deepEqual(g.standardize(x).toArray(), x.toArray());
    g.standardize(x);
    assert.equal(warn.mock.callCount(), 1);
    assert.match(String(warn.mock.calls[0]!.arguments[0]), /featurewiseCenter.*fit/);
  });

  it("runs the preprocessing function first", () => {
    const g = new ImageDataGenerator({
      preprocessingFunction: (x) => st.ops.add(x, 1),
      rescale: 2,
    });
    close(plane(g.standardize(st.tensor([[[1], [2]]]))), [[4, 6]]);
  });
});

describe("ImageDataGenerator errors", () => {
  it("rejects bad options with what was received", () => {
    assert.throws(
      () => new ImageDataGenerator({ fillMode: "mirror" as "wrap" }),
      /fillMode.*mirror/,
    );
    assert.throws(
      () => new ImageDataGenerator({ interpolationOrder: 6 as 1 }),
      /interpolationOrder.*6/,
    );
    assert.throws(() => new ImageDataGenerator({ validationSplit: 1.5 }), /validationSplit.*1\.5/);
    assert.throws(
      () => new ImageDataGenerator({ zoomRange: [1] as unknown as number }),
      /zoomRange/,
    );
    assert.throws(() => new ImageDataGenerator({ zcaEpsilon: -1 }), /zcaEpsilon.*-1/);
    assert.throws(
      () => new ImageDataGenerator({ zca_whitening: true } as object),
      /unknown option 'zca_whitening'/,
    );
    assert.throws(() => gen.applyTransform(st.zeros([2, 3]), {}), /rank 3/);
    assert.throws(() => gen.fit(st.zeros([2, 3, 1])), /rank 4/);
    assert.throws(
      () => gen.applyTransform(st.zeros([2, 2, 2]), { brightness: 1.2 }),
      /1, 3 or 4 channels/,
    );
  });
});
