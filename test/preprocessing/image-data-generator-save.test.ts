// saveToDir / savePrefix / saveFormat on flow and flowFromDirectory: each yielded image is written
// as {prefix}_{index}_{hash}.{format}, stretched to [0, 255]. The hashes are NumPy's draws for the
// seed (computed with NumPy: np.random.seed(s), two random() per image for the flips, then
// randint(1e4) per image for flow, randint(1e7) for the file iterators).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import * as st from "../../src/index.js";

const { ImageDataGenerator } = st.preprocessing.image;

let root = "";
before(() => {
  root = mkdtempSync(join(tmpdir(), "strata-idg-save-"));
});
after(() => rmSync(root, { recursive: true, force: true }));

/** The first channel of each pixel of an image file. */
async function pixels(path: string): Promise<number[]> {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  return Array.from(data).filter((_, i) => i % info.channels === 0);
}

describe("ImageDataGenerator saveToDir", () => {
  it("flow writes each yielded image as {prefix}_{index}_{hash}.png, stretched to [0, 255]", async () => {
    const out = join(root, "flow");
    mkdirSync(out);
    // Two 2×3 grayscale images: 0..5 and 10·(0..5).
    const x = st.tensor([0, 1, 2, 3, 4, 5, 0, 10, 20, 30, 40, 50], [2, 2, 3, 1]);
    const it = new ImageDataGenerator().flow(x, null, {
      batchSize: 2,
      shuffle: false,
      seed: 0,
      saveToDir: out,
      savePrefix: "aug",
    });
    await it.next();
    assert.deepEqual(readdirSync(out).sort(), ["aug_0_9225.png", "aug_1_7891.png"]);
    // (v − 0) / 5 · 255, truncated: 0, 51, 102, 153, 204, 255 for both images.
    const stretched = [0, 51, 102, 153, 204, 255];
    assert.deepEqual(await pixels(join(out, "aug_0_9225.png")), stretched);
    assert.deepEqual(await pixels(join(out, "aug_1_7891.png")), stretched);
  });

  it("flowFromDirectory writes its batches too, in the format asked for", async () => {
    const data = join(root, "data");
    mkdirSync(join(data, "a"), { recursive: true });
    for (const [i, v] of [10, 20, 30].entries()) {
      const buf = Buffer.alloc(2 * 2 * 3);
      for (let p = 0; p < 4; p++) buf.set([v + p, v + p, v + p], p * 3);
      await sharp(buf, { raw: { width: 2, height: 2, channels: 3 } })
        .png()
        .toFile(join(data, "a", `${i}.png`));
    }
    const out = join(root, "dir-out");
    mkdirSync(out);
    const it = new ImageDataGenerator().flowFromDirectory(data, {
      targetSize: [2, 2],
      batchSize: 3,
      shuffle: false,
      seed: 5,
      saveToDir: out,
      saveFormat: "jpeg",
      verbose: false,
    });
    await it.next();
    assert.deepEqual(readdirSync(out).sort(), [
      "_0_1214875.jpeg",
      "_1_9719504.jpeg",
      "_2_950159.jpeg",
    ]);
    const meta = await sharp(join(out, "_0_1214875.jpeg")).metadata();
    assert.equal(meta.format, "jpeg");
    assert.equal(meta.width, 2);
  });

  it("refuses a missing folder and an unknown format when the iterator is made", () => {
    const g = new ImageDataGenerator();
    const x = st.zeros([2, 2, 2, 1]);
    assert.throws(
      () => g.flow(x, null, { saveToDir: join(root, "nope") }),
      (e: Error) =>
        e instanceof st.ValueError && /saveToDir .*nope.* not an existing folder/.test(e.message),
    );
    assert.throws(
      () => g.flow(x, null, { saveToDir: root, saveFormat: "pdf" }),
      (e: Error) =>
        e instanceof st.ValueError && /saveFormat must be one of png.*"pdf"/.test(e.message),
    );
  });
});
