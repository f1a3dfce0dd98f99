// st.utils.boundingBoxes (keras.utils.bounding_boxes) against hand-computed boxes: every format
// conversion, clipping (labels of emptied boxes → −1), crop / pad, the affine mover, IoU / CIoU
// worked out by hand, and the anchor deltas (encode then decode gives the boxes back).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import * as bb from "../../src/utils/bounding-boxes/index.js";
import { assertClose } from "../helpers.js";

const t = (v: number[][] | number[][][]) => st.tensor(v as never, undefined, "float32");
const close = (a: st.Tensor, b: number[] | number[][] | number[][][], atol = 1e-5) =>
  assertClose(a, st.tensor(b as never, undefined, "float32"), { atol, rtol: 1e-6 });

describe("boundingBoxes.convertFormat", () => {
  // one box: left 10, top 20, right 30, bottom 60 in a 100 (h) × 200 (w) image
  const forms: Record<string, number[]> = {
    xyxy: [10, 20, 30, 60],
    yxyx: [20, 10, 60, 30],
    xywh: [10, 20, 20, 40],
    center_xywh: [20, 40, 20, 40],
    center_yxhw: [40, 20, 40, 20],
    rel_xyxy: [0.05, 0.2, 0.15, 0.6],
    rel_yxyx: [0.2, 0.05, 0.6, 0.15],
    rel_xywh: [0.05, 0.2, 0.1, 0.4],
    rel_center_xywh: [0.1, 0.4, 0.1, 0.4],
  };

  it("converts between every pair of Keras's formats", () => {
    for (const [src, a] of Object.entries(forms)) {
      for (const [dst, b] of Object.entries(forms)) {
        const out = bb.convertFormat(t([a]), src, dst, { height: 100, width: 200 });
        assert.equal(out.dtype, "float32");
        close(out, [b], 1e-4);
      }
    }
  });

  it("gives Keras's documented example; converts a {boxes, labels} object's boxes; errors", () => {
    const out = bb.convertFormat(
      t([
        [10, 20, 30, 40],
        [50, 60, 70, 80],
      ]),
      "xyxy",
      "xywh",
    );
    close(out, [
      [10, 20, 20, 20],
      [50, 60, 20, 20],
    ]);
    const labels = st.tensor([1, 2], undefined, "int32");
    const dict = bb.convertFormat({ boxes: t([[0, 0, 2, 4]]), labels }, "XYXY", "center_xywh");
    close(dict.boxes, [[1, 2, 2, 4]]);
    assert.equal(dict.labels, labels);
    assert.throws(
      () => bb.convertFormat(t([[0, 0, 1, 1]]), "xyxy", "rel_xyxy"),
      /height and width/,
    );
    assert.throws(
      () => bb.convertFormat(t([[0, 0, 1, 1]]), "xyz", "xyxy"),
      /source must be one of/,
    );
    assert.throws(() => bb.convertFormat(t([[0, 0, 1]]), "xyxy", "xywh"), /last axis has size 4/);
  });
});

describe("boundingBoxes.clipToImageSize, crop, pad", () => {
  it("clips to the image and marks boxes with no area left (Keras's docstring case)", () => {
    const out = bb.clipToImageSize(
      {
        boxes: t([
          [-10, -20, 150, 160],
          [50, 40, 70, 80],
          [130, 10, 140, 20],
        ]),
        labels: st.tensor([0, 1, 2], undefined, "int32"),
      },
      { height: 100, width: 120 },
    );
    close(out.boxes, [
      [0, 0, 120, 100],
      [50, 40, 70, 80],
      [120, 10, 120, 20],
    ]);
    assert.deepEqual(Array.from(out.labels.dataSync()), [0, 1, -1]);
    const rel = bb.clipToImageSize(
      { boxes: t([[-0.5, 0.2, 1.5, 0.4]]) },
      { boundingBoxFormat: "rel_xyxy" },
    );
    close(rel.boxes, [[0, 0.2, 1, 0.4]]);
    assert.throws(() => bb.clipToImageSize({ boxes: t([[0, 0, 1, 1]]) }), /height and width/);
    assert.throws(
      () => bb.clipToImageSize({ boxes: t([[0, 0, 1, 1]]) }, { boundingBoxFormat: "xywh" }),
      /only the formats xyxy and rel_xyxy/,
    );
  });

  it("crops into a window's frame and pads by offsets", () => {
    // window: top 10, left 20, 40 high, 30 wide
    const out = bb.crop(
      t([
        [10, 20, 50, 60],
        [70, 80, 100, 120],
      ]),
      10,
      20,
      40,
      30,
    );
    close(out, [
      [0, 10, 30, 40],
      [30, 40, 30, 40],
    ]);
    close(bb.pad(t([[1, 2, 3, 4]]), 10, 5), [[6, 12, 8, 14]]);
    assert.throws(
      () => bb.crop(t([[0, 0, 1, 1]]), 0, 0, 1, 1, { boundingBoxFormat: "yxyx" }),
      /only/,
    );
  });
});

describe("boundingBoxes.affineTransform", () => {
  const box = t([[[0, 0, 2, 1]]]); // in a 5 × 5 image: centre (2, 2)
  it("is the identity with no transform; translates by fractions of (size − 1)", () => {
    close(bb.affineTransform(box, 0, 0, 0, 1, 0, 0, 5, 5), [[[0, 0, 2, 1]]]);
    close(bb.affineTransform(box, 0, 0.25, 0.5, 1, 0, 0, 5, 5), [[[1, 2, 3, 3]]]);
  });
  it("rotates by 90° about the centre as RandomRotation's image map does", () => {
    // forward map of the image transform for θ = 90°: (x, y) → (cx + (y − cy), cy − (x − cx))
    // corners (0,0),(2,0),(2,1),(0,1) → (0,4),(0,2),(1,2),(1,4)
    close(bb.affineTransform(box, 90, 0, 0, 1, 0, 0, 5, 5), [[[0, 2, 1, 4]]]);
  });
  it("scales about the centre; one transform per image", () => {
    const two = t([[[1, 1, 3, 3]], [[1, 1, 3, 3]]]);
    close(bb.affineTransform(two, [0, 0], [0, 0], [0, 0], [2, 0.5], [0, 0], [0, 0], 5, 5), [
      [[0, 0, 4, 4]],
      [[1.5, 1.5, 2.5, 2.5]],
    ]);
    assert.throws(() => bb.affineTransform(t([[0, 0, 1, 1]]), 0, 0, 0, 1, 0, 0, 5, 5), /batched/);
  });
});

describe("boundingBoxes.computeIou / computeCiou", () => {
  it("gives the pairwise IoU table, batched or not, and masks padding boxes", () => {
    const a = t([
      [0, 0, 2, 2],
      [1, 1, 3, 3],
    ]);
    const b = t([
      [1, 1, 3, 3],
      [10, 10, 11, 11],
      [-1, -1, -1, -1],
    ]);
    // [0,0,2,2] ∩ [1,1,3,3] = 1, union 7
    close(
      bb.computeIou(a, b, "xyxy"),
      [
        [1 / 7, 0, 0],
        [1, 0, 0],
      ],
      1e-6,
    );
    const masked = bb.computeIou(a, b, "xyxy", { useMasking: true });
    close(
      masked,
      [
        [1 / 7, 0, -1],
        [1, 0, -1],
      ],
      1e-6,
    );
    const batched = bb.computeIou(st.ops.stack([a, a]), b, "xyxy");
    assert.deepEqual(batched.shape, [2, 2, 3]);
    close(bb.computeIou(t([[0, 0, 2, 2]]), t([[1, 1, 2, 2]]), "xywh"), [[1 / 7]], 1e-6);
  });

  it("gives CIoU: 1 for equal boxes, IoU minus the penalties otherwise", () => {
    close(bb.computeCiou(t([[0, 0, 2, 2]]), t([[0, 0, 2, 2]]), "xyxy"), [1], 1e-5);
    // [0,0,2,2] vs [1,0,3,2]: IoU 2/6, centres 1 apart, enclosing box 3 × 2 (diag² 13), v = 0
    close(bb.computeCiou(t([[0, 0, 2, 2]]), t([[1, 0, 3, 2]]), "xyxy"), [1 / 3 - 1 / 13], 1e-5);
    // [0,0,2,2] vs [0,0,4,2]: IoU ½, centres 1 apart, diag² 20, v = (4/π²)(atan 2 − atan 1)²
    const v = (4 / Math.PI ** 2) * (Math.atan(2) - Math.atan(1)) ** 2;
    const alpha = v / (v - 0.5 + 1);
    close(
      bb.computeCiou(t([[0, 0, 2, 2]]), t([[0, 0, 4, 2]]), "xyxy"),
      [0.5 - (1 / 20 + v * alpha)],
      1e-5,
    );
  });
});

describe("boundingBoxes.encodeBoxToDeltas / decodeDeltasToBoxes", () => {
  it("encodes as centre offsets and log sizes, and decodes back", () => {
    const anchors = t([
      [0, 0, 10, 10],
      [10, 10, 30, 20],
    ]);
    const boxes = t([
      [1, 2, 11, 22],
      [10, 10, 30, 20],
    ]);
    const deltas = bb.encodeBoxToDeltas(anchors, boxes, "xyxy", "xyxy");
    // center_yxhw: box 0 (cy 12, cx 6, h 20, w 10) vs anchor (5, 5, 10, 10)
    close(
      deltas,
      [
        [0.7, 0.1, Math.log(2), 0],
        [0, 0, 0, 0],
      ],
      1e-5,
    );
    const variance = [0.1, 0.1, 0.2, 0.2];
    const scaled = bb.encodeBoxToDeltas(anchors, boxes, "xyxy", "xyxy", { variance });
    close(
      scaled,
      [
        [7, 1, Math.log(2) / 0.2, 0],
        [0, 0, 0, 0],
      ],
      1e-4,
    );
    close(
      bb.decodeDeltasToBoxes(anchors, scaled, "xyxy", "xyxy", { variance }) as st.Tensor,
      [
        [1, 2, 11, 22],
        [10, 10, 30, 20],
      ],
      1e-4,
    );
    const levels = bb.decodeDeltasToBoxes(
      { p3: anchors },
      { p3: deltas },
      "xyxy",
      "xywh",
    ) as Record<string, st.Tensor>;
    close(
      levels.p3!,
      [
        [1, 2, 10, 20],
        [10, 10, 20, 10],
      ],
      1e-4,
    );
    assert.throws(
      () => bb.encodeBoxToDeltas(anchors, boxes, "xyxy", "xyxy", { encodingFormat: "xyxy" }),
      /center_xywh/,
    );
  });
});
