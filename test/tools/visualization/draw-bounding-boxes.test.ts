// st.visualization.drawBoundingBoxes (keras.visualization.draw_bounding_boxes): outlines against
// OpenCV's own cv2.rectangle (fixtures from test/fixtures/make_visualization_fixtures.py, Debian's
// python3-opencv) and against pixel sets worked out here; Keras's uint8 conversion, box formats,
// skipped boxes, channels-first layout, and label text placed where Keras puts it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as st from "../../../src/index.js";
import { ShapeError, ValueError } from "../../../src/errors.js";
import {
  formatFixed2,
  textLocation,
} from "../../../src/tools/visualization/draw-bounding-boxes.js";

const { drawBoundingBoxes } = st.visualization;

interface Cv2Case {
  height: number;
  width: number;
  corner1: [number, number];
  corner2: [number, number];
  thickness: number;
  rows: string[];
}
const fixture = JSON.parse(
  readFileSync(
    new URL("../../fixtures/visualization/cv2-rectangles.json", import.meta.url),
    "utf8",
  ),
) as { cases: Cv2Case[] };

/** The drawn pixels of channel 0 of image 0 as rows of '#' and '.'. */
function rowsOf(out: st.Tensor, height: number, width: number, channels = 3): string[] {
  const v = out.dataSync();
  return Array.from({ length: height }, (_, y) =>
    Array.from({ length: width }, (_, x) => (v[(y * width + x) * channels]! > 0 ? "#" : ".")).join(
      "",
    ),
  );
}

describe("drawBoundingBoxes outlines", () => {
  for (const c of fixture.cases) {
    it(`matches cv2.rectangle ${c.corner1}–${c.corner2}, thickness ${c.thickness}`, () => {
      const out = drawBoundingBoxes(
        st.zeros([1, c.height, c.width, 3], "uint8"),
        { boxes: [[[...c.corner1, ...c.corner2]]], labels: [[0]] },
        "xyxy",
        { color: [255, 0, 0], lineThickness: c.thickness },
      );
      assert.deepEqual(rowsOf(out, c.height, c.width), c.rows);
    });
  }

  it("a thickness-2 box covers exactly the 3-pixel bands and the rounded corners", () => {
    // box (x 5..20, y 4..12): bands x∈[5,20]×y∈{3,4,5} and {11,12,13}, y∈[4,12]×x∈{4,5,6} and
    // {19,20,21}, plus discs of radius 1 (a plus sign) at the corners.
    const [H, W] = [18, 26];
    const out = drawBoundingBoxes(
      st.zeros([1, H, W, 3], "uint8"),
      { boxes: [[[5, 4, 20, 12]]], labels: [[3]] },
      "xyxy",
    );
    const v = out.dataSync();
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const hBand = x >= 5 && x <= 20 && (Math.abs(y - 4) <= 1 || Math.abs(y - 12) <= 1);
        const vBand = y >= 4 && y <= 12 && (Math.abs(x - 5) <= 1 || Math.abs(x - 20) <= 1);
        const corner = [5, 20].some((cx) =>
          [4, 12].some((cy) => Math.abs(x - cx) + Math.abs(y - cy) <= 1),
        );
        const want = hBand || vBand || corner ? 128 : 0; // Keras's default colour (128, 128, 128)
        for (let k = 0; k < 3; k++) assert.equal(v[(y * W + x) * 3 + k], want, `(${x}, ${y})`);
      }
    }
  });
});

describe("drawBoundingBoxes", () => {
  it("converts images to uint8 as Keras: floats ≤ 1 scaled by 255, others clipped, truncated", () => {
    const noBoxes = { boxes: [[[0, 0, 0, 0]]], labels: [[-1]] };
    const unit = drawBoundingBoxes(st.tensor([[[[0.5, 1, -0.2, 0.2]]]]), noBoxes, "xyxy");
    assert.equal(unit.dtype, "uint8");
    // 0.5·255 = 127.5 → 127; 0.2 (float32 0.200000003) · 255 = 51.0000008 → 51
    assert.deepEqual(Array.from(unit.dataSync()), [127, 255, 0, 51]);
    const wide = drawBoundingBoxes(st.tensor([[[[0.5, 300, -4, 254.9]]]]), noBoxes, "xyxy");
    assert.deepEqual(Array.from(wide.dataSync()), [0, 255, 0, 254]);
    const ints = drawBoundingBoxes(st.tensor([[[[7, 300]]]], undefined, "int32"), noBoxes, "xyxy");
    assert.deepEqual(Array.from(ints.dataSync()), [7, 44]); // NumPy's astype wraps: 300 − 256
  });

  it("draws the same pixels from every box format, and skips boxes labelled -1", () => {
    const [H, W] = [20, 30];
    const img = st.zeros([1, H, W, 3]);
    const draw = (box: number[], format: string, label = 0) =>
      Array.from(
        drawBoundingBoxes(img, { boxes: [[box]], labels: [[label]] }, format, {
          lineThickness: 1,
        }).dataSync(),
      );
    const ref = draw([4, 3, 20, 15], "xyxy");
    assert.deepEqual(draw([3, 4, 15, 20], "yxyx"), ref);
    assert.deepEqual(draw([4, 3, 16, 12], "xywh"), ref);
    assert.deepEqual(draw([12, 9, 16, 12], "center_xywh"), ref);
    assert.deepEqual(draw([4 / W, 3 / H, 20 / W, 15 / H], "rel_xyxy"), ref);
    // fractional coordinates truncate toward zero
    assert.deepEqual(draw([4.9, 3.7, 20.2, 15.99], "xyxy"), ref);
    assert.ok(ref.some((v) => v === 128));
    assert.ok(draw([4, 3, 20, 15], "xyxy", -1).every((v) => v === 0));
  });

  it("keeps channels-first images channels-first, colouring every channel", () => {
    const out = drawBoundingBoxes(
      st.zeros([1, 3, 10, 12]),
      { boxes: [[[2, 2, 9, 7]]], labels: [[1]] },
      "xyxy",
      { dataFormat: "channels_first", color: [10, 20, 30], lineThickness: 1 },
    );
    assert.deepEqual(out.shape, [1, 3, 10, 12]);
    const v = out.dataSync();
    const at = (k: number, y: number, x: number) => v[(k * 10 + y) * 12 + x];
    assert.deepEqual([at(0, 2, 2), at(1, 2, 2), at(2, 2, 2)], [10, 20, 30]);
    assert.deepEqual([at(0, 4, 4), at(1, 4, 4), at(2, 4, 4)], [0, 0, 0]);
  });

  it("writes a mapped class's label above the box, or below its top edge near the image top", () => {
    const [H, W] = [90, 160];
    const count = (out: st.Tensor, y0: number, y1: number) => {
      const v = out.dataSync();
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = 0; x < W; x++) if (v[(y * W + x) * 3]) n++;
      return n;
    };
    const boxes = { boxes: [[[10, 60, 150, 85]]], labels: [[1]], confidences: [[0.875]] };
    const plain = drawBoundingBoxes(st.zeros([1, H, W, 3]), boxes, "xyxy");
    const labelled = drawBoundingBoxes(st.zeros([1, H, W, 3]), boxes, "xyxy", {
      classMapping: { 1: "cat" },
    });
    // Keras's origin: (x1, y1 − 8) = (10, 52), the baseline; capitals 21 pixels tall above it.
    assert.deepEqual(textLocation(10, 60, 1, 1), [10, 52]);
    assert.equal(count(plain, 0, 58), 0);
    assert.ok(count(labelled, 52 - 23, 52 + 1) > 100);
    assert.equal(count(labelled, 0, 52 - 30), 0);
    // near the top the label goes inside: (x1 + 3, y1 + 2·12 + thickness + 3)
    assert.deepEqual(textLocation(10, 20, 1, 1), [13, 48]);
    const top = drawBoundingBoxes(
      st.zeros([1, H, W, 3]),
      { boxes: [[[10, 20, 150, 85]]], labels: [[1]] },
      "xyxy",
      { classMapping: { 1: "dog" } },
    );
    assert.ok(count(top, 48 - 23, 48 + 1) > 100);
    assert.equal(count(top, 0, 18), 0);
  });

  it("formats confidences as Python's .2f (ties to even)", () => {
    assert.equal(formatFixed2(0.875), "0.88");
    assert.equal(formatFixed2(0.125), "0.12");
    assert.equal(formatFixed2(0.625), "0.62");
    assert.equal(formatFixed2(Math.fround(0.9)), "0.90");
    assert.equal(formatFixed2(0.456), "0.46");
    assert.equal(formatFixed2(1), "1.00");
  });

  it("refuses what Keras refuses", () => {
    const boxes = { boxes: [[[0, 0, 1, 1]]], labels: [[0]] };
    assert.throws(() => drawBoundingBoxes(st.zeros([4, 4, 3]), boxes, "xyxy"), ShapeError);
    assert.throws(
      () => drawBoundingBoxes(st.zeros([1, 4, 4, 3]), { boxes: boxes.boxes } as never, "xyxy"),
      /"boxes" and "labels"/,
    );
    assert.throws(() => drawBoundingBoxes(st.zeros([1, 4, 4, 3]), boxes, "xyz"), ValueError);
    assert.throws(
      () => drawBoundingBoxes(st.zeros([1, 4, 4, 3]), boxes, "xyxy", { lineThicknes: 3 } as never),
      /did you mean lineThickness/,
    );
    assert.throws(
      () =>
        drawBoundingBoxes(st.zeros([1, 4, 4, 3]), { boxes: [[0, 0, 1, 1]], labels: [0] }, "xyxy"),
      ShapeError,
    );
  });
});
