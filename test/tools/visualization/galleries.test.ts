// st.visualization's galleries: the PNG is decoded here with sharp and checked for its size, its
// grid (Keras's rows and cols), and the pixels of each cell — solid images, boxes drawn at known
// pixels, masks blended by hand — plus titles, the legend band, `path` and Keras's errors.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import sharp from "sharp";
import * as st from "../../../src/index.js";
import { ValueError } from "../../../src/errors.js";

const vis = st.visualization;

async function decode(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 4);
  const at = (x: number, y: number) =>
    Array.from(data.subarray((y * info.width + x) * 4, (y * info.width + x) * 4 + 4));
  return { width: info.width, height: info.height, at };
}

/** A batch of solid-colour images, image i filled with colors[i]. */
function solid(colors: number[][], h: number, w: number): st.Tensor {
  const v = new Float32Array(colors.length * h * w * 3);
  colors.forEach((c, i) => {
    for (let p = 0; p < h * w; p++) v.set(c, (i * h * w + p) * 3);
  });
  return st.tensor(v, [colors.length, h, w, 3]);
}

const COLORS = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [200, 100, 50],
  [10, 20, 30],
];

const dir = mkdtempSync(join(tmpdir(), "strata-vis-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("plotImageGallery", () => {
  it("lays out ⌈√n⌉ rows of scale·dpi-pixel cells, each cell its image", async () => {
    // 4 images → 2 × 2; scale 1 at dpi 40 → 40-pixel cells; 8 × 8 images scale by 5
    const png = await vis.plotImageGallery(solid(COLORS.slice(0, 4), 8, 8), { scale: 1, dpi: 40 });
    const img = await decode(png);
    assert.deepEqual([img.width, img.height], [80, 80]);
    for (let i = 0; i < 4; i++) {
      const [x0, y0] = [(i % 2) * 40, Math.floor(i / 2) * 40];
      for (const [dx, dy] of [
        [0, 0],
        [39, 39],
        [20, 5],
      ]) {
        assert.deepEqual(img.at(x0 + dx!, y0 + dy!), [...COLORS[i]!, 255], `cell ${i}`);
      }
    }
  });

  it("takes Keras's cols = ⌊batch / rows⌋ (5 images: 3 rows of 1) and given rows / cols", async () => {
    const five = solid(COLORS, 4, 4);
    const img = await decode(await vis.plotImageGallery(five, { scale: 0.5, dpi: 40 }));
    assert.deepEqual([img.width, img.height], [20, 60]);
    assert.deepEqual(img.at(10, 50), [...COLORS[2]!, 255]);
    const wide = await decode(
      await vis.plotImageGallery(five, { rows: 2, cols: 3, scale: 0.5, dpi: 40 }),
    );
    assert.deepEqual([wide.width, wide.height], [60, 40]);
    assert.deepEqual(wide.at(50, 30), [0, 0, 0, 0]); // past the batch: empty and transparent
    assert.deepEqual(wide.at(30, 30), [...COLORS[4]!, 255]);
  });

  it("fits non-square images in their cell, on a transparent or white background", async () => {
    // 4 × 8 (h × w) in a 40-pixel cell → 40 × 20, rows 10..29
    const one = solid([[9, 99, 199]], 4, 8);
    const t = await decode(await vis.plotImageGallery(one, { scale: 1, dpi: 40 }));
    assert.deepEqual(t.at(20, 5), [0, 0, 0, 0]);
    assert.deepEqual(t.at(20, 10), [9, 99, 199, 255]);
    assert.deepEqual(t.at(20, 29), [9, 99, 199, 255]);
    assert.deepEqual(t.at(20, 30), [0, 0, 0, 0]);
    const white = await decode(
      await vis.plotImageGallery(one, { scale: 1, dpi: 40, transparent: false }),
    );
    assert.deepEqual(white.at(20, 5), [255, 255, 255, 255]);
  });

  it("maps valueRange to 0–255 and draws grey and RGBA images", async () => {
    const unit = st.tensor(new Float32Array([0.5, 0.25, 1]), [1, 1, 1, 3]);
    const u = await decode(
      await vis.plotImageGallery(unit, { valueRange: [0, 1], scale: 0.25, dpi: 40 }),
    );
    assert.deepEqual(u.at(5, 5), [127, 63, 255, 255]);
    const grey = await decode(
      await vis.plotImageGallery(st.full([1, 2, 2, 1], 77), { scale: 0.25, dpi: 40 }),
    );
    assert.deepEqual(grey.at(3, 3), [77, 77, 77, 255]);
    const signed = st.tensor(new Float32Array([-1, 0, 1]), [1, 1, 1, 3]);
    const s = await decode(
      await vis.plotImageGallery(signed, { valueRange: [-1, 1], scale: 0.25, dpi: 40 }),
    );
    assert.deepEqual(s.at(5, 5), [0, 127, 255, 255]);
  });

  it("adds a title band for labels and writes the same bytes to path", async () => {
    const path = join(dir, "gallery.png");
    const png = await vis.plotImageGallery(solid(COLORS.slice(0, 2), 8, 8), {
      yTrue: [0, 1],
      yPred: [1, 1],
      labelMap: { 0: "cat", 1: "dog" },
      scale: 1,
      dpi: 72,
      rows: 1,
      cols: 2,
      path,
    });
    assert.deepEqual(readFileSync(path), png);
    const img = await decode(png);
    // 8-point titles at 72 dpi: 8 pixels, a band of ⌈8 · 1.8⌉ = 15 above the 72-pixel cells
    assert.deepEqual([img.width, img.height], [144, 87]);
    assert.deepEqual(img.at(36, 15), [...COLORS[0]!, 255]);
    let ink = 0;
    for (let y = 0; y < 15; y++) for (let x = 0; x < 144; x++) if (img.at(x, y)[3]! > 0) ink++;
    assert.ok(ink > 30, `title pixels: ${ink}`);
  });

  it("refuses show, labels without a labelMap, and unknown options", async () => {
    const imgs = solid(COLORS.slice(0, 1), 2, 2);
    await assert.rejects(vis.plotImageGallery(imgs, { show: true }), ValueError);
    await assert.rejects(vis.plotImageGallery(imgs, { yTrue: [0] }), /labelMap/);
    await assert.rejects(vis.plotImageGallery(imgs, { col: 2 } as never), /did you mean cols/);
    await assert.rejects(vis.plotImageGallery(st.zeros([2, 2, 3])), /4-D/);
  });
});

describe("plotBoundingBoxGallery", () => {
  it("draws true and predicted boxes in their colours, with a legend band", async () => {
    // 40 × 40 images in 40-pixel cells: one image pixel per gallery pixel
    const images = st.full([2, 40, 40, 3], 60);
    const png = await vis.plotBoundingBoxGallery(images, "xyxy", {
      yTrue: { boxes: [[[5, 5, 30, 30]], [[2, 2, 20, 20]]], labels: [[0], [0]] },
      yPred: { boxes: [[[10, 12, 35, 36]], [[0, 0, 0, 0]]], labels: [[0], [-1]] },
      lineThickness: 1,
      legend: true,
      scale: 1,
      dpi: 40,
      rows: 1,
      cols: 2,
    });
    const img = await decode(png);
    assert.equal(img.width, 80);
    assert.ok(img.height > 40); // the legend band below the cells
    assert.deepEqual(img.at(5, 20), [0, 188, 212, 255]); // Keras's true colour, left edge
    assert.deepEqual(img.at(20, 12), [255, 235, 59, 255]); // predicted box, top edge
    assert.deepEqual(img.at(20, 20), [60, 60, 60, 255]); // inside both: the image
    assert.deepEqual(img.at(40 + 2, 10), [0, 188, 212, 255]); // second image's true box
    assert.deepEqual(img.at(40 + 30, 30), [60, 60, 60, 255]);
    // the legend's swatches carry the two colours
    const swatchColors = new Set<string>();
    for (let y = 40; y < img.height; y++) {
      for (let x = 0; x < 80; x++) swatchColors.add(img.at(x, y).join(","));
    }
    assert.ok(swatchColors.has("0,188,212,255") && swatchColors.has("255,235,59,255"));
  });

  it("maps valueRange before drawing, so [0, 1] images keep their colours", async () => {
    const png = await vis.plotBoundingBoxGallery(st.full([1, 20, 20, 3], 0.5), "xyxy", {
      yTrue: { boxes: [[[2, 2, 10, 10]]], labels: [[0]] },
      valueRange: [0, 1],
      lineThickness: 1,
      scale: 0.5,
      dpi: 40,
    });
    const img = await decode(png);
    assert.deepEqual(img.at(15, 15), [127, 127, 127, 255]);
    assert.deepEqual(img.at(2, 5), [0, 188, 212, 255]);
    await assert.rejects(
      vis.plotBoundingBoxGallery(st.zeros([1, 4, 4, 3]), "xyxy", {
        legend: true,
        legendHandles: [{ label: "x", color: [1, 2, 3] }],
      }),
      /legend or legendHandles/,
    );
  });
});

describe("plotSegmentationMaskGallery", () => {
  it("shows each image then its true and predicted masks, one row per image", async () => {
    const images = solid(
      [
        [100, 100, 100],
        [0, 50, 200],
      ],
      10,
      10,
    );
    const yTrue = st.full([2, 10, 10], 1, "int32");
    const yPred = st.tensor(new Int32Array(200).fill(-1), [2, 10, 10, 1]);
    const png = await vis.plotSegmentationMaskGallery(images, 2, {
      yTrue,
      yPred,
      colorMapping: { 0: [0, 0, 0], 1: [250, 0, 50] },
      scale: 0.5,
      dpi: 40,
    });
    const img = await decode(png);
    assert.deepEqual([img.width, img.height], [60, 40]);
    assert.deepEqual(img.at(5, 5), [100, 100, 100, 255]);
    // 0.8 · 250 + 0.2 · 100 = 220, 0.2 · 100 = 20, 0.8 · 50 + 0.2 · 100 = 60 (float32, truncated)
    const blend = (c: number, p: number) =>
      Math.trunc(
        Math.fround(Math.fround(p * Math.fround(0.2)) + Math.fround(c * Math.fround(0.8))),
      );
    assert.deepEqual(img.at(25, 5), [blend(250, 100), blend(0, 100), blend(50, 100), 255]);
    assert.deepEqual(img.at(45, 5), [100, 100, 100, 255]); // every pixel ignored (-1)
    assert.deepEqual(img.at(5, 25), [0, 50, 200, 255]);
    assert.deepEqual(img.at(25, 25), [blend(250, 0), blend(0, 50), blend(50, 200), 255]);
  });

  it("with neither mask shows the images alone, one per row", async () => {
    const img = await decode(
      await vis.plotSegmentationMaskGallery(solid(COLORS.slice(0, 3), 4, 4), 3, {
        scale: 0.25,
        dpi: 40,
      }),
    );
    assert.deepEqual([img.width, img.height], [10, 30]);
    assert.deepEqual(img.at(5, 25), [...COLORS[2]!, 255]);
  });
});
