// ops.image.mapCoordinates: the documented JAX/SciPy example, fill modes in 1-D, agreement with
// affineTransform in 2-D, a trilinear loop written here in 3-D, gradients, on every backend.
import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ShapeError, ValueError } from "../../src/errors.js";
import { assertClose, eachBackend } from "../helpers.js";

eachBackend("ops.image.mapCoordinates", () => {
  const { mapCoordinates } = st.ops.image;

  it("the documented example: arange(12).reshape(4, 3) at (0.5, 0.5) and (2, 1)", () => {
    const x = st.arange(0, 12, 1, "float32").reshape([4, 3]);
    assertClose(
      mapCoordinates(
        x,
        [
          [0.5, 2],
          [0.5, 1],
        ],
        1,
      ),
      [2, 7],
    );
    assertClose(
      mapCoordinates(
        x,
        [
          [0.5, 2],
          [0.5, 1],
        ],
        0,
      ),
      [4, 7],
    ); // 0.5 rounds away from 0
  });

  it("fill modes along one axis (points −2 … 5 of a b c d = 0 1 2 3)", () => {
    const x = st.tensor([0, 1, 2, 3]);
    const at = [[-2, -1, 0, 1, 2, 3, 4, 5]];
    const read = (mode: "constant" | "nearest" | "wrap" | "mirror" | "reflect") =>
      Array.from(mapCoordinates(x, at, 0, mode, 9).dataSync());
    assert.deepEqual(read("constant"), [9, 9, 0, 1, 2, 3, 9, 9]);
    assert.deepEqual(read("nearest"), [0, 0, 0, 1, 2, 3, 3, 3]);
    assert.deepEqual(read("wrap"), [2, 3, 0, 1, 2, 3, 0, 1]);
    assert.deepEqual(read("mirror"), [2, 1, 0, 1, 2, 3, 2, 1]);
    assert.deepEqual(read("reflect"), [1, 0, 0, 1, 2, 3, 3, 2]);
    // linear between a pixel and the fill value
    assertClose(mapCoordinates(x, [[3.25, -0.5]], 1, "constant", 8), [
      0.75 * 3 + 0.25 * 8,
      0.5 * 8,
    ]);
  });

  it("in 2-D agrees with affineTransform's sampling", () => {
    const img = st.random.uniform([5, 6], { seed: 2, dtype: "float64" });
    const row = [0.9, 0.3, -0.7, -0.25, 1.1, 0.4, 0, 0];
    const ys: number[] = [];
    const xs: number[] = [];
    for (let y = 0; y < 5; y++)
      for (let x = 0; x < 6; x++) {
        ys.push(row[3]! * x + row[4]! * y + row[5]!);
        xs.push(row[0]! * x + row[1]! * y + row[2]!);
      }
    for (const mode of ["constant", "nearest", "wrap", "mirror", "reflect"] as const) {
      const expected = st.ops.image.affineTransform(img.reshape([5, 6, 1]), row, {
        fillMode: mode,
        fillValue: 0.5,
      });
      assertClose(mapCoordinates(img, [ys, xs], 1, mode, 0.5), expected.reshape([30]), {
        rtol: 1e-12,
        atol: 1e-12,
      });
    }
  });

  it("in 3-D matches a trilinear loop, with the output shaped like the coordinates", () => {
    const x = st.random.uniform([3, 4, 5], { seed: 3, dtype: "float64" });
    const v = x.dataSync();
    const pts = st.random.uniform([3, 2, 4], {
      seed: 4,
      minval: -0.5,
      maxval: 3.2,
      dtype: "float64",
    });
    const p = pts.dataSync();
    const out = mapCoordinates(x, pts, 1, "nearest");
    assert.deepEqual(out.shape, [2, 4]);
    const clampAt = (i: number, n: number) => Math.min(n - 1, Math.max(0, i));
    const expected: number[] = [];
    for (let q = 0; q < 8; q++) {
      const [a, b, c] = [p[q]!, p[8 + q]!, p[16 + q]!];
      let s = 0;
      for (const [i, wi] of [
        [Math.floor(a), 1 - (a - Math.floor(a))],
        [Math.floor(a) + 1, a - Math.floor(a)],
      ])
        for (const [j, wj] of [
          [Math.floor(b), 1 - (b - Math.floor(b))],
          [Math.floor(b) + 1, b - Math.floor(b)],
        ])
          for (const [k, wk] of [
            [Math.floor(c), 1 - (c - Math.floor(c))],
            [Math.floor(c) + 1, c - Math.floor(c)],
          ])
            s += wi! * wj! * wk! * v[(clampAt(i!, 3) * 4 + clampAt(j!, 4)) * 5 + clampAt(k!, 5)]!;
      expected.push(s);
    }
    assertClose(out, expected, { rtol: 1e-12, atol: 1e-12 });
  });

  it("integer inputs are rounded back; gradients reach the inputs", () => {
    const u8 = mapCoordinates(st.tensor(new Uint8Array([10, 21])), [[0.5]], 1);
    assert.equal(u8.dtype, "uint8");
    assert.deepEqual(Array.from(u8.dataSync()), [16]);
    const xv = new st.Variable(st.tensor([1, 2, 3, 4]));
    const { grads } = st.valueAndGrad(
      () => st.ops.sum(mapCoordinates(xv.value, [[0.25, 2.5]], 1)),
      [xv],
    );
    assertClose(grads[0]!, [0.75, 0.25, 0.5, 0.5]);
  });

  it("rejects bad arguments, naming them", () => {
    const x = st.zeros([3, 3]);
    assert.throws(
      () => mapCoordinates(x, [[0, 1]], 1),
      (e: Error) => e instanceof ShapeError && /first axis of inputs.rank \(2\)/.test(e.message),
    );
    assert.throws(() => mapCoordinates(x, [[0], [1]], 3 as never), /order must be 0 or 1/);
    assert.throws(() => mapCoordinates(x, [[0], [1]], 1, "edge" as never), ValueError);
  });
});
