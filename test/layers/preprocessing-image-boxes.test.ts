// Keras's dict input of the image layers ({images, labels, bounding_boxes, segmentation_masks}):
// boxes moved by flips, crops, resizes, a 90° rotation, translation and zoom checked against
// hand-computed boxes; masks following the images pixel for pixel (nearest interpolation); the
// output keys, inference, errors, colour layers passing everything through, and configs with
// bounding_box_format through a .keras file.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import {
  CenterCrop,
  RandomCrop,
  RandomFlip,
  RandomPerspective,
  RandomRotation,
  RandomShear,
  RandomTranslation,
  RandomZoom,
  Resizing,
} from "../../src/layers/preprocessing/image/index.js";
import { MixUp } from "../../src/layers/preprocessing/numeric/mix-up.js";
import { RandomBrightness } from "../../src/layers/preprocessing/numeric/random-brightness.js";
import { assertClose } from "../helpers.js";
import { channel0, kerasRoundTrip, positionImages } from "./preprocessing-image-helpers.js";

type Layer = { apply(x: unknown, o?: { training?: boolean }): unknown };
interface Out {
  images: st.Tensor;
  labels?: st.Tensor;
  bounding_boxes?: { boxes: st.Tensor; labels: st.Tensor };
  segmentation_masks?: st.Tensor;
  [k: string]: unknown;
}
const run = (layer: Layer, data: unknown, training = true): Out =>
  layer.apply(data, { training }) as Out;

const boxes = (b: number[][][]) => st.tensor(b as never, undefined, "float32");
const labels = (l: number[][]) => st.tensor(l as never, undefined, "int32");
const rows = (t: st.Tensor): number[][] => {
  const v = Array.from(t.dataSync());
  return Array.from({ length: v.length / 4 }, (_, i) => v.slice(4 * i, 4 * i + 4));
};
const closeBoxes = (t: st.Tensor, expected: number[][]) =>
  assertClose(t.reshape([-1, 4]), st.tensor(expected, undefined, "float32"), { atol: 1e-4 });

/** [1, h, w, 1] with ones inside the xyxy box (whole pixels), zeros elsewhere. */
function boxImage(h: number, w: number, [x1, y1, x2, y2]: number[]): st.Tensor {
  const v = new Float32Array(h * w);
  for (let y = y1!; y < y2!; y++) for (let x = x1!; x < x2!; x++) v[y * w + x] = 1;
  return st.tensor(v, [1, h, w, 1]);
}

/** The xyxy box around the pixels above ½ of image 0 (channel 0). */
function pixelBox(t: st.Tensor): number[] {
  const img = channel0(t)[0]!;
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  img.forEach((row, y) =>
    row.forEach((v, x) => {
      if (v > 0.5)
        [x1, y1, x2, y2] = [
          Math.min(x1, x),
          Math.min(y1, y),
          Math.max(x2, x + 1),
          Math.max(y2, y + 1),
        ];
    }),
  );
  return [x1, y1, x2, y2];
}

describe("image layers: bounding boxes", () => {
  it("RandomFlip mirrors the boxes of the flipped images only, in any format", () => {
    const layer = new RandomFlip("horizontal", { seed: 5, boundingBoxFormat: "rel_yxyx" });
    const x = positionImages(6, 4, 6);
    // box x 1…3, y 0…2 of a 4 × 6 image, as rel_yxyx: [0, 1/6, 0.5, 0.5]
    const b = boxes(Array.from({ length: 6 }, () => [[0, 1 / 6, 0.5, 0.5]]));
    const out = run(layer, {
      images: x,
      bounding_boxes: { boxes: b, labels: labels([[1], [1], [1], [1], [1], [1]]) },
    });
    const imgs = channel0(out.images);
    const flipped = imgs.map((im, i) => im[0]![0] !== 100 * i);
    assert.ok(flipped.includes(true) && flipped.includes(false), "the seed flips some images only");
    const expected = flipped.map((f) => (f ? [0, 0.5, 0.5, 5 / 6] : [0, 1 / 6, 0.5, 0.5]));
    closeBoxes(out.bounding_boxes!.boxes, expected);
    assert.deepEqual(Array.from(out.bounding_boxes!.labels.dataSync()), [1, 1, 1, 1, 1, 1]);
  });

  it("RandomFlip horizontal_and_vertical: the box follows the image's own pixels", () => {
    for (let seed = 0; seed < 4; seed++) {
      const layer = new RandomFlip({ seed, boundingBoxFormat: "xyxy" });
      const box = [1, 0, 3, 2];
      const out = run(layer, {
        images: boxImage(4, 6, box),
        bounding_boxes: { boxes: boxes([[box]]), labels: labels([[3]]) },
      });
      closeBoxes(out.bounding_boxes!.boxes, [pixelBox(out.images)]);
    }
  });

  it("RandomCrop: the window read from the image moves the box; inference resizes it", () => {
    const layer = new RandomCrop(4, 5, { seed: 11, boundingBoxFormat: "xyxy" });
    const x = positionImages(1, 6, 8);
    const out = run(layer, {
      images: x,
      bounding_boxes: {
        boxes: boxes([
          [
            [2, 1, 6, 5],
            [7, 5, 8, 6],
          ],
        ]),
        labels: labels([[1, 2]]),
      },
    });
    const corner = channel0(out.images)[0]![0]![0]!; // 10·top + left
    const [top, left] = [Math.floor(corner / 10), corner % 10];
    const clip = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
    const moved = [clip(2 - left, 5), clip(1 - top, 4), clip(6 - left, 5), clip(5 - top, 4)];
    const second = [clip(7 - left, 5), clip(5 - top, 4), clip(8 - left, 5), clip(6 - top, 4)];
    closeBoxes(out.bounding_boxes!.boxes, [moved, second]);
    const secondVisible = second[2]! > second[0]! && second[3]! > second[1]!;
    assert.deepEqual(Array.from(out.bounding_boxes!.labels.dataSync()), [
      1,
      secondVisible ? 2 : -1,
    ]);
    // inference: the centred 4 × 4 window (left 2) of a 4 × 8 image resized to 2 × 2
    const inf = run(
      new RandomCrop(2, 2, { boundingBoxFormat: "xyxy" }),
      {
        images: positionImages(1, 4, 8),
        bounding_boxes: { boxes: boxes([[[2, 0, 6, 4]]]), labels: labels([[1]]) },
      },
      false,
    );
    closeBoxes(inf.bounding_boxes!.boxes, [[0, 0, 2, 2]]);
  });

  it("channels_first: sizes come from the last two axes", () => {
    // a 1-channel 4 × 6 image as [1, 1, 4, 6]; centred 2 × 2 window at top 1, left 2
    const layer = new CenterCrop(2, 2, {
      dataFormat: "channels_first",
      boundingBoxFormat: "rel_xyxy",
    });
    const out = run(layer, {
      images: positionImages(1, 4, 6).reshape([1, 1, 4, 6]),
      bounding_boxes: { boxes: boxes([[[2 / 6, 1 / 4, 4 / 6, 3 / 4]]]), labels: labels([[1]]) },
      segmentation_masks: st.zeros([1, 1, 4, 6], "int32"),
    });
    closeBoxes(out.bounding_boxes!.boxes, [[0, 0, 1, 1]]);
    assert.deepEqual(out.segmentation_masks!.shape, [1, 1, 2, 2]);
  });

  it("CenterCrop and Resizing (stretch, crop and pad to the aspect ratio) move boxes by hand", () => {
    const data = (h: number, w: number, b: number[][]) => ({
      images: positionImages(1, h, w),
      bounding_boxes: { boxes: boxes([b]), labels: labels([b.map(() => 1)]) },
    });
    const c = run(new CenterCrop(2, 2, { boundingBoxFormat: "xyxy" }), data(4, 6, [[2, 1, 4, 3]]));
    closeBoxes(c.bounding_boxes!.boxes, [[0, 0, 2, 2]]);
    const s = run(new Resizing(2, 4, { boundingBoxFormat: "xyxy" }), data(4, 8, [[2, 0, 6, 4]]));
    closeBoxes(s.bounding_boxes!.boxes, [[1, 0, 3, 2]]);
    const cr = run(
      new Resizing(2, 2, { cropToAspectRatio: true, boundingBoxFormat: "xyxy" }),
      data(4, 8, [[2, 0, 6, 4]]),
    );
    closeBoxes(cr.bounding_boxes!.boxes, [[0, 0, 2, 2]]);
    // 4 × 8 padded to 8 × 8 (bands of 2 above and below), then kept at 8 × 8
    const pd = run(
      new Resizing(8, 8, { padToAspectRatio: true, boundingBoxFormat: "xyxy" }),
      data(4, 8, [
        [0, 0, 8, 4],
        [-1, -1, -1, -1],
      ]),
    );
    closeBoxes(pd.bounding_boxes!.boxes, [
      [0, 2, 8, 6],
      [0, 0, 0, 0],
    ]);
    assert.deepEqual(Array.from(pd.bounding_boxes!.labels.dataSync()), [1, -1]);
  });

  it("RandomRotation by 90°: the hand-computed box, and the image's pixels agree", () => {
    const layer = new RandomRotation([0.25, 0.25], {
      seed: 1,
      boundingBoxFormat: "xyxy",
      fillMode: "constant",
    });
    // output (x, y) reads input (4 − y, x): input pixels x 0…1, y 0 land at x 0, y 3…4
    const out = run(layer, {
      images: boxImage(5, 5, [0, 0, 2, 1]),
      bounding_boxes: { boxes: boxes([[[0, 0, 2, 1]]]), labels: labels([[1]]) },
    });
    closeBoxes(out.bounding_boxes!.boxes, [[0, 3, 1, 5]]);
    assert.deepEqual(pixelBox(out.images), [0, 3, 1, 5]);
  });

  it("RandomTranslation and RandomZoom move boxes by hand; boxes pushed out get label −1", () => {
    const t = new RandomTranslation([0.25, 0.25], [-0.5, -0.5], {
      boundingBoxFormat: "xyxy",
      fillMode: "constant",
    });
    const out = run(t, {
      images: positionImages(1, 4, 6),
      bounding_boxes: {
        boxes: boxes([
          [
            [3, 0, 5, 2],
            [0, 0, 2, 2],
          ],
        ]),
        labels: labels([[4, 5]]),
      },
    });
    // down 1, left 3
    closeBoxes(out.bounding_boxes!.boxes, [
      [0, 1, 2, 3],
      [0, 1, 0, 3],
    ]);
    assert.deepEqual(Array.from(out.bounding_boxes!.labels.dataSync()), [4, -1]);
    // zoom in ×2 about the centre of a 4 × 4 image: [1, 1, 3, 3] fills it
    const z = new RandomZoom([-0.5, -0.5], { boundingBoxFormat: "center_xywh" });
    const zo = run(z, {
      images: positionImages(1, 4, 4),
      bounding_boxes: { boxes: boxes([[[2, 2, 2, 2]]]), labels: labels([[1]]) },
    });
    closeBoxes(zo.bounding_boxes!.boxes, [[2, 2, 4, 4]]);
  });

  it("random angles, shears and perspectives: the box bounds the moved box pixels", () => {
    const layers = [
      new RandomRotation(0.3, {
        seed: 2,
        boundingBoxFormat: "xyxy",
        fillMode: "constant",
        interpolation: "nearest",
      }),
      new RandomShear({
        xFactor: 0.4,
        yFactor: 0.3,
        seed: 4,
        boundingBoxFormat: "xyxy",
        fillMode: "constant",
        interpolation: "nearest",
      }),
      new RandomPerspective({
        scale: 0.4,
        seed: 6,
        boundingBoxFormat: "xyxy",
        interpolation: "nearest",
      }),
    ];
    for (const layer of layers) {
      const box = [2, 3, 10, 7]; // off-centre, so a wrong direction would show
      const out = run(layer, {
        images: boxImage(20, 20, box),
        bounding_boxes: { boxes: boxes([[box]]), labels: labels([[1]]) },
      });
      const [x1, y1, x2, y2] = rows(out.bounding_boxes!.boxes)[0]!;
      const [px1, py1, px2, py2] = pixelBox(out.images);
      // nearest sampling rounds to whole pixels: the pixels and the exact box agree within one
      const gaps = [x1! - px1!, y1! - py1!, x2! - px2!, y2! - py2!].map(Math.abs);
      assert.ok(
        Math.max(...gaps) < 1,
        `${layer.name}: ${[x1, y1, x2, y2]} vs ${[px1, py1, px2, py2]}`,
      );
    }
  });
});

describe("image layers: segmentation masks", () => {
  const geometric = (): Layer[] => [
    new RandomFlip({ seed: 1 }),
    new RandomCrop(5, 4, { seed: 2 }),
    new CenterCrop(4, 5),
    new Resizing(9, 5, { interpolation: "nearest" }),
    new Resizing(5, 5, { interpolation: "nearest", padToAspectRatio: true }),
    new RandomRotation(0.2, { seed: 3, interpolation: "nearest" }),
    new RandomZoom(0.3, { seed: 4, interpolation: "nearest", fillMode: "constant" }),
    new RandomTranslation(0.2, 0.3, { seed: 5, interpolation: "nearest", fillMode: "wrap" }),
    new RandomShear({ xFactor: 0.3, seed: 6, interpolation: "nearest" }),
    new RandomPerspective({ seed: 7, interpolation: "nearest" }),
  ];

  it("masks follow the images pixel for pixel (nearest) and keep their int32 dtype", () => {
    const x = positionImages(2, 7, 8);
    const masks = st.ops.cast(x, "int32");
    for (const layer of geometric()) {
      const out = run(layer, { images: x, segmentation_masks: masks });
      assert.equal(
        out.segmentation_masks!.dtype,
        "int32",
        (layer as unknown as { name: string }).name,
      );
      assert.deepEqual(
        Array.from(out.segmentation_masks!.dataSync()),
        Array.from(out.images.dataSync()),
        (layer as unknown as { name: string }).name,
      );
    }
  });

  it("bilinear images still get nearest masks (class values only)", () => {
    const x = positionImages(1, 7, 8);
    const masks = st.ops.cast(st.ops.mod(x, 3), "int32");
    const out = run(new RandomRotation(0.1, { seed: 9 }), { images: x, segmentation_masks: masks });
    for (const v of out.segmentation_masks!.dataSync()) assert.ok([0, 1, 2].includes(Number(v)));
  });
});

describe("image layers: dict inputs", () => {
  const data = () => ({
    images: positionImages(2, 4, 6),
    labels: st.tensor([
      [0, 1],
      [1, 0],
    ]),
    bounding_boxes: { boxes: boxes([[[1, 0, 3, 2]], [[0, 0, 6, 4]]]), labels: labels([[1], [2]]) },
    segmentation_masks: st.ops.cast(positionImages(2, 4, 6), "int32"),
    extra: "kept",
  });

  it("returns Keras's keys; images equal the image-only call with the same seed", () => {
    const out = run(new RandomRotation(0.2, { seed: 3, boundingBoxFormat: "xyxy" }), data());
    assert.deepEqual(Object.keys(out).sort(), [
      "bounding_boxes",
      "extra",
      "images",
      "labels",
      "segmentation_masks",
    ]);
    assert.deepEqual(Object.keys(out.bounding_boxes!).sort(), ["boxes", "labels"]);
    assert.equal(out.extra, "kept");
    const alone = new RandomRotation(0.2, { seed: 3 }).apply(data().images, { training: true });
    assert.deepEqual(Array.from(out.images.dataSync()), Array.from(alone.dataSync()));
    assertClose(out.labels!, data().labels);
  });

  it("one image (rank 3) gives unbatched boxes and masks", () => {
    const out = run(new RandomFlip({ seed: 0, boundingBoxFormat: "xyxy" }), {
      images: st.ops.slice(positionImages(1, 4, 6), [0, 0, 0, 0], [1, 4, 6, 1]).reshape([4, 6, 1]),
      bounding_boxes: {
        boxes: st.tensor([[1, 0, 3, 2]]),
        labels: st.tensor([1], undefined, "int32"),
      },
      segmentation_masks: st.zeros([4, 6, 1], "int32"),
    });
    assert.deepEqual(out.images.shape, [4, 6, 1]);
    assert.deepEqual(out.bounding_boxes!.boxes.shape, [1, 4]);
    assert.deepEqual(out.bounding_boxes!.labels.shape, [1]);
    assert.deepEqual(out.segmentation_masks!.shape, [4, 6, 1]);
  });

  it("at inference a random layer returns everything unchanged (boxes as float32)", () => {
    const d = data();
    const out = run(new RandomZoom(0.5, { boundingBoxFormat: "xyxy" }), d, false);
    assert.deepEqual(Array.from(out.images.dataSync()), Array.from(d.images.dataSync()));
    closeBoxes(out.bounding_boxes!.boxes, [
      [1, 0, 3, 2],
      [0, 0, 6, 4],
    ]);
    assert.equal(out.segmentation_masks, d.segmentation_masks);
  });

  it("colour layers pass labels, boxes and masks through; others refuse what they cannot move", () => {
    const d = data();
    const out = run(new RandomBrightness(0.3, { seed: 1, boundingBoxFormat: "xyxy" }), d);
    assert.equal(out.bounding_boxes!.boxes, d.bounding_boxes.boxes);
    assert.equal(out.segmentation_masks, d.segmentation_masks);
    assert.notDeepEqual(Array.from(out.images.dataSync()), Array.from(d.images.dataSync()));
    assert.throws(
      () => run(new RandomFlip({ seed: 1 }), d),
      /bounding_boxes.*no boundingBoxFormat/,
    );
    assert.throws(
      () => run(new MixUp({ seed: 1 }), { images: d.images, labels: d.labels }),
      /does not transform labels/,
    );
    assert.throws(
      () =>
        run(new RandomFlip({ boundingBoxFormat: "xyxy" }), {
          images: d.images,
          bounding_boxes: { boxes: d.bounding_boxes.boxes },
        }),
      /"boxes" and "labels"/,
    );
    assert.throws(
      () =>
        run(new RandomFlip({ boundingBoxFormat: "xyxy" }), {
          images: d.images,
          bounding_boxes: { boxes: st.zeros([2, 4]), labels: st.zeros([2]) },
        }),
      /\[batch, N, 4\]/,
    );
    assert.throws(
      () => new RandomFlip({ boundingBoxFormat: "corners" }),
      /boundingBoxFormat must be one of/,
    );
  });

  it("bounding_box_format is in the config and survives a .keras file", async () => {
    const layer = new RandomFlip({ seed: 3, boundingBoxFormat: "center_xywh" });
    assert.equal(layer.getConfig().bounding_box_format, "center_xywh");
    assert.equal(new RandomFlip({ seed: 3 }).getConfig().bounding_box_format, undefined);
    await kerasRoundTrip(
      () => new RandomFlip({ seed: 3, boundingBoxFormat: "center_xywh" }),
      positionImages(2, 4, 6),
      true,
    );
    await kerasRoundTrip(
      () => new Resizing(3, 3, { boundingBoxFormat: "rel_xyxy", padToAspectRatio: true }),
      positionImages(1, 4, 6),
    );
    const restored = RandomRotation.fromConfig({
      factor: 0.1,
      bounding_box_format: "yxyx",
      data_format: "channels_last",
    });
    assert.equal(restored.boundingBoxFormat, "yxyx");
  });
});

describe("MaxNumBoundingBoxes", () => {
  const images = st.zeros([1, 4, 4, 3], "uint8");
  const three = {
    boxes: boxes([
      [
        [10, 20, 100, 150],
        [50, 60, 200, 250],
        [0, 0, 50, 50],
      ],
    ]),
    labels: labels([[1, 2, 3]]),
  };

  it("pads to maxNumber with fillValue (Keras's example) or cuts to it; the rest unchanged", () => {
    const layer = new st.layers.MaxNumBoundingBoxes(5);
    const out = run(layer, { images, bounding_boxes: three, labels: st.tensor([[0, 1]]) });
    assert.equal(out.images, images);
    assert.deepEqual(rows(out.bounding_boxes!.boxes), [
      [10, 20, 100, 150],
      [50, 60, 200, 250],
      [0, 0, 50, 50],
      [-1, -1, -1, -1],
      [-1, -1, -1, -1],
    ]);
    assert.deepEqual(Array.from(out.bounding_boxes!.labels.dataSync()), [1, 2, 3, -1, -1]);
    assert.equal(out.bounding_boxes!.labels.dtype, "int32");
    const cut = run(new st.layers.MaxNumBoundingBoxes(2, { fillValue: 0 }), {
      images,
      bounding_boxes: three,
    });
    assert.deepEqual(cut.bounding_boxes!.boxes.shape, [1, 2, 4]);
    assert.deepEqual(Array.from(cut.bounding_boxes!.labels.dataSync()), [1, 2]);
    // one image: [N, 4] boxes
    const one = run(new st.layers.MaxNumBoundingBoxes(4), {
      images: st.zeros([4, 4, 3]),
      bounding_boxes: {
        boxes: st.tensor([[1, 2, 3, 4]]),
        labels: st.tensor([7], undefined, "int32"),
      },
    });
    assert.deepEqual(one.bounding_boxes!.boxes.shape, [4, 4]);
    assert.deepEqual(Array.from(one.bounding_boxes!.labels.dataSync()), [7, -1, -1, -1]);
    assert.equal(new st.layers.MaxNumBoundingBoxes(3).apply(images), images);
    assert.throws(
      () => new st.layers.MaxNumBoundingBoxes(0),
      /maxNumber must be a positive integer/,
    );
  });

  it("is registered: config keys and a .keras round trip", async () => {
    const layer = new st.layers.MaxNumBoundingBoxes(7, {
      fillValue: -2,
      boundingBoxFormat: "xywh",
    });
    const config = layer.getConfig();
    assert.equal(config.max_number, 7);
    assert.equal(config.fill_value, -2);
    assert.equal(config.bounding_box_format, "xywh");
    // Keras writes no fill_value: its default −1 applies
    const keras = st.layers.MaxNumBoundingBoxes.fromConfig({
      max_number: 3,
      data_format: "channels_last",
    });
    assert.equal(keras.fillValue, -1);
    await kerasRoundTrip(
      () => new st.layers.MaxNumBoundingBoxes(7, { fillValue: -2 }),
      positionImages(1, 3, 3),
    );
  });
});
