// st.utils.plotHistory: the panels (one per metric, loss first, `metrics` selecting), the best
// epoch marked (min for loss-like, max for accuracy-like metrics), SVG and PNG by extension; the
// PNG is decoded by sharp and its pixels looked at.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import sharp from "sharp";
import { History } from "../../../src/train/callbacks/callback.js";
import { historyPanels, plotHistory } from "../../../src/tools/curves/index.js";

const dir = mkdtempSync(join(tmpdir(), "strata-curves-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
function history(): History {
  const h = new History();
  h.epoch = range(12, (i) => i);
  h.history = {
    accuracy: range(12, (i) => 0.95 - 0.5 * 0.7 ** i),
    loss: range(12, (i) => 0.3 + 0.9 * 0.7 ** i),
    val_accuracy: [0.4, 0.55, 0.66, 0.72, 0.75, 0.78, 0.77, 0.76, 0.75, 0.74, 0.72, 0.7],
    val_loss: [1.3, 1.0, 0.8, 0.7, 0.65, 0.66, 0.7, 0.75, 0.8, 0.9, 1.0, 1.1],
    learning_rate: range(12, () => 0.001),
  };
  return h;
}

/** Texts of the SVG's <text> elements. */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
/** Points of a named mark, from their aria-labels ("epoch: 5; value: 0.65"). */
function points(svg: string, name: string): { epoch: number; value: number }[] {
  const group = svg.split(`${name}_marks"`)[1]?.split("</g>")[0] ?? "";
  return [...group.matchAll(/aria-label="epoch: ([\d.]+); value: ([-\d.e]+)"/g)].map((m) => ({
    epoch: Number(m[1]),
    value: Number(m[2]),
  }));
}

describe("plotHistory", () => {
  it("draws one panel per metric, loss first, and marks the best validation epoch", async () => {
    const file = join(dir, "h.svg");
    const svg = await plotHistory(history(), { toFile: file });
    assert.equal(readFileSync(file, "utf8"), svg);
    assert.match(svg, /^<svg/);
    const titles = [...svg.matchAll(/role-title-text[^>]*>.*?<text[^>]*>([^<]*)<\/text>/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(titles, ["loss", "accuracy"]);
    assert.ok(texts(svg).includes("training") && texts(svg).includes("validation"));
    // Loss: the minimum of val_loss (0.65 after epoch 5); accuracy: the maximum (0.78, epoch 6).
    assert.deepEqual(points(svg, "best_point_loss"), [{ epoch: 5, value: 0.65 }]);
    assert.deepEqual(points(svg, "best_point_accuracy"), [{ epoch: 6, value: 0.78 }]);
    assert.match(svg, /best_rule_loss_marks/);
    assert.ok(texts(svg).includes("best: epoch 5, 0.6500"));
    assert.ok(!texts(svg).includes("learning_rate"), "the learning rate only when asked");
  });

  it("draws the metrics asked for, in that order", async () => {
    const svg = await plotHistory(history(), {
      toFile: join(dir, "a.svg"),
      metrics: ["accuracy", "learning_rate"],
    });
    assert.ok(!/best_point_loss/.test(svg));
    assert.deepEqual(points(svg, "best_point_accuracy"), [{ epoch: 6, value: 0.78 }]);
    // No direction can be read off "learning_rate": no mark.
    assert.ok(!/best_point_learning_rate/.test(svg));
    assert.ok(texts(svg).includes("learning_rate"));
  });

  it("marks the training curve without validation, and counts epochs from history.epoch", () => {
    const { best } = historyPanels({
      history: { loss: [1, 0.5, 0.7], mae: [0.9, 0.4, 0.3] },
      epoch: [4, 5, 6],
    });
    assert.deepEqual(
      best.map((b) => [b.metric, b.split, b.epoch, b.value, b.mode]),
      [
        ["loss", "training", 6, 0.5, "min"],
        ["mae", "training", 7, 0.3, "min"],
      ],
    );
  });

  it("writes a PNG that decodes to twice the SVG's size, with the curves' colours", async () => {
    const file = join(dir, "h.png");
    const svg = await plotHistory(history(), { toFile: file });
    const width = Number(/^<svg[^>]* width="([\d.]+)"/.exec(svg)![1]);
    const height = Number(/^<svg[^>]* height="([\d.]+)"/.exec(svg)![1]);
    const meta = await sharp(file).metadata();
    assert.equal(meta.format, "png");
    assert.equal(meta.width, Math.round(2 * width));
    assert.equal(meta.height, Math.round(2 * height));
    assert.ok(width > 700 && height > 250, `${width}×${height}`);
    const { data, info } = await sharp(file)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const count = (r: number, g: number, b: number) => {
      let n = 0;
      for (let i = 0; i < data.length; i += info.channels)
        if (Math.abs(data[i]! - r) + Math.abs(data[i + 1]! - g) + Math.abs(data[i + 2]! - b) < 30)
          n++;
      return n;
    };
    assert.ok(count(0x1f, 0x77, 0xb4) > 500, "training blue");
    assert.ok(count(0xff, 0x7f, 0x0e) > 500, "validation orange");
    assert.ok(count(0xd6, 0x27, 0x28) > 50, "best-epoch red");
    assert.ok(count(255, 255, 255) > data.length / info.channels / 2, "white background");
  });

  it("refuses a bad file name, unknown metrics and unknown options", async () => {
    await assert.rejects(plotHistory(history(), { toFile: join(dir, "h.jpg") }), /\.svg or \.png/);
    await assert.rejects(
      plotHistory(history(), { toFile: join(dir, "x.svg"), metrics: ["f1"] }),
      /no metric "f1"; it has accuracy, loss, learning_rate/,
    );
    await assert.rejects(
      plotHistory(history(), { toFile: join(dir, "x.svg"), metric: ["loss"] } as never),
      /unknown option metric; did you mean metrics/,
    );
    await assert.rejects(plotHistory({}, { toFile: join(dir, "x.svg") }), /no metrics to plot/);
  });
});
