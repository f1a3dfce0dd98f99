// ops.image.perspectiveTransform: the homography takes each end point to its start point; equal
// point sets are the identity and shifted ones a translation; Keras's documented shapes.
import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ShapeError, ValueError } from "../../src/errors.js";
import { computeHomography } from "../../src/ops/image/perspective-transform.js";
import { assertClose, eachBackend } from "../helpers.js";

const corners = (w: number, h: number): [number, number][] => [
  [0, 0],
  [w - 1, 0],
  [0, h - 1],
  [w - 1, h - 1],
];

it("computeHomography maps every end point onto its start point", () => {
  const start = corners(20, 16);
  const end: [number, number][] = [
    [3, 5],
    [17, -2],
    [1, 14],
    [22, 13],
  ];
  const [a0, a1, a2, b0, b1, b2, c0, c1] = computeHomography(start, end);
  end.forEach(([x, y], i) => {
    const k = c0! * x + c1! * y + 1;
    assert.ok(Math.abs((a0! * x + a1! * y + a2!) / k - start[i]![0]) < 1e-9);
    assert.ok(Math.abs((b0! * x + b1! * y + b2!) / k - start[i]![1]) < 1e-9);
  });
  assert.throws(
    () =>
      computeHomography(start, [
        [0, 0],
        [1, 1],
        [2, 2],
        [5, 1],
      ]),
    (e: Error) => e instanceof ValueError && /collinear/.test(e.message),
  );
});

eachBackend("ops.image.perspectiveTransform", () => {
  const { perspectiveTransform, affineTransform } = st.ops.image;
  const img = st.random.uniform([2, 16, 20, 3], { seed: 6, dtype: "float64" });

  it("equal point sets are the identity; shifted ones a translation", () => {
    const c = corners(20, 16);
    assertClose(perspectiveTransform(img, c, c), img, { atol: 1e-9 });
    const shifted = c.map(([x, y]) => [x + 2, y + 1]);
    assertClose(
      perspectiveTransform(img, c, shifted, { fillValue: 0.5 }),
      affineTransform(img, [1, 0, -2, 0, 1, -1, 0, 0], { fillValue: 0.5 }),
      { atol: 1e-9 },
    );
  });

  it("a true perspective: each batch entry uses its own points, matching affineTransform's row", () => {
    const start = [corners(20, 16), corners(20, 16)];
    const end = [
      [
        [3, 5],
        [17, -2],
        [1, 14],
        [22, 13],
      ],
      corners(20, 16),
    ];
    const out = perspectiveTransform(img, start, end, { interpolation: "nearest" });
    assert.deepEqual(out.shape, [2, 16, 20, 3]);
    const row = computeHomography(start[0]!, end[0] as [number, number][]);
    const first = st.ops.slice(out, [0, 0, 0, 0], [1, 16, 20, 3]);
    const one = st.ops.slice(img, [0, 0, 0, 0], [1, 16, 20, 3]);
    assertClose(first, affineTransform(one, row, { interpolation: "nearest" }), { atol: 1e-9 });
    assertClose(
      st.ops.slice(out, [1, 0, 0, 0], [1, 16, 20, 3]),
      st.ops.slice(img, [1, 0, 0, 0], [1, 16, 20, 3]),
    );
    const cf = perspectiveTransform(st.ops.transpose(img, [0, 3, 1, 2]), start, end, {
      interpolation: "nearest",
      dataFormat: "channels_first",
    });
    assertClose(st.ops.transpose(cf, [0, 2, 3, 1]), out);
  });

  it("rejects bad point sets", () => {
    const c = corners(20, 16);
    assert.throws(
      () => perspectiveTransform(img, [[0, 0]], c),
      (e: Error) =>
        e instanceof ShapeError && /startPoints must have shape \[4, 2\]/.test(e.message),
    );
    assert.throws(() => perspectiveTransform(img, [c, c], c), /same shape/);
  });
});
