/**
 * layers.ContrastLimitedAdaptiveHistogramEqualization against NumPy (test/fixtures/ops/clahe.json,
 * written by test/fixtures/make_clahe_fixtures.py with per-pixel loops), plus clahe_test.py's
 * checks: shapes in both data formats, outputs within the value range, integer inputs, config.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { assertClose } from "../helpers.js";
import { kerasRoundTrip } from "./keras-roundtrip.js";

interface Enc {
  v: number[];
  s: number[];
}
const { cases } = JSON.parse(
  readFileSync(new URL("../fixtures/ops/clahe.json", import.meta.url), "utf8"),
) as {
  cases: {
    args: {
      grid: [number, number];
      clip_limit?: number;
      value_range?: [number, number];
      channels_first?: boolean;
    };
    x: Enc;
    out: Enc;
  }[];
};
const CLAHE = st.layers.ContrastLimitedAdaptiveHistogramEqualization;

describe("layers.ContrastLimitedAdaptiveHistogramEqualization", () => {
  it("equalizes as NumPy's reference, batched and not, both data formats", () => {
    for (const c of cases) {
      const layer = new CLAHE({
        tileGridSize: c.args.grid,
        clipLimit: c.args.clip_limit,
        valueRange: c.args.value_range,
        dataFormat: c.args.channels_first ? "channels_first" : "channels_last",
      });
      const x = st.tensor(Float64Array.from(c.x.v), c.x.s);
      const out64 = layer.apply(x);
      assert.equal(out64.dtype, "float64");
      assertClose(out64, st.tensor(Float64Array.from(c.out.v), c.out.s), {
        atol: 1e-9,
        rtol: 1e-9,
      });
      const out32 = layer.apply(st.ops.cast(x, "float32"));
      assert.equal(out32.dtype, "float32");
      assert.deepEqual(out32.shape, c.out.s);
    }
  });

  it("keeps shapes, the value range and integer dtypes (clahe_test.py)", () => {
    const last = new CLAHE({ tileGridSize: [2, 2] });
    assert.deepEqual(
      last.apply(st.random.uniform([1, 4, 4, 3], { seed: 1, maxval: 255 })).shape,
      [1, 4, 4, 3],
    );
    const first = new CLAHE({ tileGridSize: [2, 2], dataFormat: "channels_first" });
    assert.deepEqual(
      first.apply(st.random.uniform([1, 3, 4, 4], { seed: 1, maxval: 255 })).shape,
      [1, 3, 4, 4],
    );
    assert.deepEqual(first.computeOutputShape([null, 3, 4, 4]), [null, 3, 4, 4]);
    for (const [lo, hi] of [
      [0, 255],
      [0, 1],
    ] as const) {
      const out = new CLAHE({ valueRange: [lo, hi] }).apply(
        st.random.uniform([2, 32, 32, 3], { seed: 2, minval: lo, maxval: hi }),
      );
      const v = out.dataSync();
      assert.ok(
        v.every((y) => y >= lo && y <= hi),
        `within [${lo}, ${hi}]`,
      );
    }
    const ints = st.ops.cast(st.random.uniform([2, 16, 16, 1], { seed: 3, maxval: 255 }), "int32");
    const out = new CLAHE().apply(ints);
    assert.equal(out.dtype, "int32");
    // Keras casts the float result back: truncation of the float32 values
    const asFloat = new CLAHE().apply(st.ops.cast(ints, "float32")).dataSync();
    assert.deepEqual([...out.dataSync()], Array.from(asFloat, Math.trunc));
  });

  it("has Keras's config and refuses bad arguments", () => {
    const layer = new CLAHE({ name: "clahe" });
    const rest = Object.fromEntries(
      Object.entries(layer.getConfig()).filter(
        ([k]) => !["name", "trainable", "dtype"].includes(k),
      ),
    );
    assert.deepEqual(rest, {
      data_format: "channels_last",
      value_range: [0, 255],
      clip_limit: 4,
      tile_grid_size: [8, 8],
    });
    const back = CLAHE.fromConfig({ ...layer.getConfig(), tile_grid_size: [2, 3], clip_limit: 1 });
    assert.deepEqual(back.tileGridSize, [2, 3]);
    assert.throws(() => new CLAHE({ tileGridSize: [0, 2] }), /tileGridSize/);
    assert.throws(() => new CLAHE({ valueRange: [1, 0] }), /valueRange/);
  });
  it("saves to .keras and loads back", async () => {
    const layer = new CLAHE({ tileGridSize: [2, 3], clipLimit: 2, valueRange: [0, 1] });
    await kerasRoundTrip(layer, st.random.uniform([1, 8, 9, 2], { seed: 7 }));
  });
});
