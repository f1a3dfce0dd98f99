// RandomRotation, RandomZoom, RandomTranslation and RandomShear: known geometry (quarter and half
// turns, zooms and shears of a linear ramp, which bilinear sampling reproduces exactly, integer
// shifts with each fill mode), identity at inference, seeding, configs and .keras round trips.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import {
  RandomRotation,
  RandomShear,
  RandomTranslation,
  RandomZoom,
} from "../../src/layers/preprocessing/image/index.js";
import type { Layer } from "../../src/layers/layer.js";
import { assertClose } from "../helpers.js";
import { channel0, kerasRoundTrip, positionImages } from "./preprocessing-image-helpers.js";

/** out[y][x] of a linear ramp 10·y + x sampled at the points `at` gives, for every image. */
function ramp(n: number): st.Tensor {
  return positionImages(1, n, n).reshape([1, n, n, 1]);
}

function commonChecks(name: string, make: (seed: number) => Layer): void {
  const x = positionImages(4, 6, 6, 2);
  it(`${name}: the identity at inference, deterministic for a seed, fresh draws per call`, () => {
    assertClose(make(1).apply(x), x);
    const a = make(11);
    const b = make(11);
    const a1 = a.apply(x, { training: true });
    assertClose(b.apply(x, { training: true }), a1);
    assert.notDeepEqual(Array.from(a1.dataSync()), Array.from(x.dataSync()));
    const a2 = a.apply(x, { training: true });
    assert.notDeepEqual(Array.from(a2.dataSync()), Array.from(a1.dataSync()));
    // each image draws its own transform
    const imgs = channel0(a1);
    assert.notDeepEqual(
      imgs[1]!.map((r) => r.map((v) => v - 100)),
      imgs[0],
      "two images got the same transform",
    );
  });
  it(`${name}: one image, symbolic shape, .keras round trip`, async () => {
    const one = st.ops.slice(x, [0, 0, 0, 0], [1, 6, 6, 2]).reshape([6, 6, 2]);
    assert.deepEqual(make(2).apply(one, { training: true }).shape, [6, 6, 2]);
    assert.deepEqual(make(2).apply(st.layers.Input({ shape: [6, 6, 2] })).shape, [null, 6, 6, 2]);
    await kerasRoundTrip(() => make(5), x, true);
    await kerasRoundTrip(() => make(5), x, false);
  });
}

describe("RandomRotation", () => {
  const x = st.random.uniform([2, 5, 5, 3], { seed: 1 });

  it("a quarter turn (factor 0.25) is a transpose and a flip", () => {
    const out = new RandomRotation([0.25, 0.25], { seed: 1 }).apply(x, { training: true });
    assertClose(out, st.ops.flip(st.ops.transpose(x, [0, 2, 1, 3]), 1), { atol: 1e-5 });
  });

  it("a half turn (factor 0.5) flips both axes; factor 0 is the identity in training", () => {
    const out = new RandomRotation([0.5, 0.5], { seed: 1 }).apply(x, { training: true });
    assertClose(out, st.ops.flip(x, [1, 2]), { atol: 1e-5 });
    assertClose(new RandomRotation(0, { seed: 1 }).apply(x, { training: true }), x);
  });

  it("channels_first rotates the last two axes", () => {
    const cf = new RandomRotation([0.25, 0.25], { dataFormat: "channels_first" }).apply(
      st.ops.transpose(x, [0, 3, 1, 2]),
      { training: true },
    );
    assertClose(
      st.ops.transpose(cf, [0, 2, 3, 1]),
      st.ops.flip(st.ops.transpose(x, [0, 2, 1, 3]), 1),
      {
        atol: 1e-5,
      },
    );
  });

  it("rejects bad factors and options; config has Keras's keys", () => {
    assert.throws(() => new RandomRotation(1.5), /factor must be .* \[-1, 1\]/);
    assert.throws(
      () => new RandomRotation(0.1, { fillMode: "mirror" as never }),
      /fillMode must be one of reflect, wrap, constant, nearest/,
    );
    assert.throws(
      () => new RandomRotation(0.1, { interpolation: "bicubic" as never }),
      /"nearest" or "bilinear"/,
    );
    const config = new RandomRotation(0.2, { seed: 3 }).getConfig();
    assert.deepEqual(config.factor, [-0.2, 0.2]);
    assert.equal(config.fill_mode, "reflect");
    assert.equal(config.interpolation, "bilinear");
    assert.equal(config.fill_value, 0);
    assert.equal(config.seed, 3);
    assert.equal(config.data_format, "channels_last");
  });

  commonChecks("RandomRotation", (seed) => new RandomRotation(0.3, { seed, name: "rot" }));
});

describe("RandomZoom", () => {
  it("zooming in by 2 (factor −0.5) samples the centre half of a ramp", () => {
    const n = 8;
    const out = channel0(
      new RandomZoom([-0.5, -0.5], { seed: 1 }).apply(ramp(n), { training: true }),
    )[0]!;
    // input = 0.5·output + 0.5·(n − 1)/2 per axis
    const at = (v: number) => 0.5 * v + 1.75;
    out.forEach((row, y) =>
      row.forEach((v, x) => assert.ok(Math.abs(v - (10 * at(y) + at(x))) < 1e-4)),
    );
  });

  it("widthFactor zooms the width independently; null follows the height", () => {
    const n = 8;
    const layer = new RandomZoom([-0.5, -0.5], { widthFactor: [0, 0], seed: 1 });
    const out = channel0(layer.apply(ramp(n), { training: true }))[0]!;
    out.forEach((row, y) =>
      row.forEach((v, x) => assert.ok(Math.abs(v - (10 * (0.5 * y + 1.75) + x)) < 1e-4)),
    );
  });

  it("zooming out by 2 (factor 1) fills the border with the fill mode", () => {
    const n = 4;
    const out = new RandomZoom([1, 1], {
      fillMode: "constant",
      fillValue: -1,
      interpolation: "nearest",
    }).apply(ramp(n), { training: true });
    // input = 2·output − 1.5: output 0 → −1.5 (outside), 1 → 0.5 → round half away → 1
    assert.deepEqual(channel0(out)[0], [
      [-1, -1, -1, -1],
      [-1, 11, 13, -1],
      [-1, 31, 33, -1],
      [-1, -1, -1, -1],
    ]);
  });

  it("rejects factors outside (−1, 1]; config has Keras's keys", () => {
    assert.throws(() => new RandomZoom(-1), /heightFactor must be .* \(-1, 1\]/);
    assert.throws(() => new RandomZoom(0.2, { widthFactor: [0.1, 1.2] }), /widthFactor/);
    const config = new RandomZoom(0.2, { seed: 1 }).getConfig();
    assert.equal(config.height_factor, 0.2);
    assert.equal(config.width_factor, null);
    for (const k of ["fill_mode", "interpolation", "seed", "fill_value", "data_format"])
      assert.ok(k in config, k);
  });

  commonChecks("RandomZoom", (seed) => new RandomZoom(0.4, { seed, name: "zoom" }));
});

describe("RandomTranslation", () => {
  it("shifts by whole pixels: content moves down and right", () => {
    const out = new RandomTranslation([0.25, 0.25], [0.5, 0.5], {
      fillMode: "constant",
      fillValue: -1,
    }).apply(ramp(4), { training: true });
    assert.deepEqual(channel0(out)[0], [
      [-1, -1, -1, -1],
      [-1, -1, 0, 1],
      [-1, -1, 10, 11],
      [-1, -1, 20, 21],
    ]);
  });

  for (const [mode, row] of [
    ["constant", [7, 0, 1, 2]],
    ["nearest", [0, 0, 1, 2]],
    ["wrap", [3, 0, 1, 2]],
    ["reflect", [0, 0, 1, 2]],
  ] as const) {
    it(`fills the border with fillMode ${mode}`, () => {
      const x = st.tensor([0, 1, 2, 3]).reshape([1, 1, 4, 1]);
      const layer = new RandomTranslation(0, [0.25, 0.25], { fillMode: mode, fillValue: 7 });
      assert.deepEqual(Array.from(layer.apply(x, { training: true }).dataSync()), row);
    });
  }

  it("reflect differs from nearest two pixels out", () => {
    const x = st.tensor([0, 1, 2, 3]).reshape([1, 1, 4, 1]);
    const shift = (fillMode: "reflect" | "nearest") =>
      Array.from(
        new RandomTranslation(0, [0.5, 0.5], { fillMode }).apply(x, { training: true }).dataSync(),
      );
    assert.deepEqual(shift("reflect"), [1, 0, 0, 1]);
    assert.deepEqual(shift("nearest"), [0, 0, 0, 1]);
  });

  it("rejects factors outside [−1, 1]; config has Keras's keys", () => {
    assert.throws(() => new RandomTranslation(1.5, 0), /heightFactor must be/);
    assert.throws(() => new RandomTranslation(0, [0, 2]), /widthFactor must be/);
    const config = new RandomTranslation(0.1, [-0.2, 0.3]).getConfig();
    assert.equal(config.height_factor, 0.1);
    assert.deepEqual(config.width_factor, [-0.2, 0.3]);
  });

  commonChecks(
    "RandomTranslation",
    (seed) => new RandomTranslation(0.3, 0.3, { seed, name: "tr" }),
  );
});

describe("RandomShear", () => {
  it("shears a ramp along x by ±xFactor·y (both signs occur)", () => {
    const n = 6;
    const batch = st.ops.tile(ramp(n), [8, 1, 1, 1]);
    const out = channel0(
      new RandomShear({ xFactor: [0.5, 0.5], seed: 4 }).apply(batch, { training: true }),
    );
    const signs = new Set<number>();
    for (const img of out) {
      // input x = x + s·y; check the pixels whose sample point lies inside the image
      const s = img[2]![2]! - 22 > 0 ? 0.5 : -0.5;
      signs.add(s);
      img.forEach((row, y) =>
        row.forEach((v, x) => {
          const sx = x + s * y;
          if (sx >= 0 && sx <= n - 1)
            assert.ok(Math.abs(v - (10 * y + sx)) < 1e-4, `${v} at ${y},${x}`);
        }),
      );
    }
    assert.deepEqual([...signs].sort(), [-0.5, 0.5]);
  });

  it("yFactor shears along y; factor 0 is the identity", () => {
    const out = channel0(
      new RandomShear({ yFactor: [0.5, 0.5], seed: 2 }).apply(ramp(6), { training: true }),
    )[0]!;
    // input y = y + s·x: pixel (2, 2) reads row 2 ± 1, pixel (1, 2) reads row 1 ± 1
    const s = out[2]![2]! > 22 ? 0.5 : -0.5;
    assert.equal(out[2]![2], 10 * (2 + 2 * s) + 2);
    assert.equal(out[1]![2], 10 * (1 + 2 * s) + 2);
    const x = positionImages(2, 4, 4);
    assertClose(new RandomShear({ seed: 1 }).apply(x, { training: true }), x);
  });

  it("rejects factors outside [0, 1]; config has Keras's keys", () => {
    assert.throws(() => new RandomShear({ xFactor: -0.2 }), /xFactor must be .* \[0, 1\]/);
    const config = new RandomShear({ xFactor: 0.2 }).getConfig();
    assert.equal(config.x_factor, 0.2);
    assert.equal(config.y_factor, 0);
  });

  commonChecks(
    "RandomShear",
    (seed) => new RandomShear({ xFactor: 0.3, yFactor: 0.3, seed, name: "sh" }),
  );
});
