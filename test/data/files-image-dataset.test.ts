// st.utils.imageDatasetFromDirectory: images decoded lazily into float32 batches with Keras's
// labels and class names; resizing checked on hand-computed pixels (half-pixel bilinear, centred
// crop, resize_with_pad bands); corrupt files and empty folders named in errors.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as st from "../../src/index.js";

const { imageDatasetFromDirectory, saveImg } = st.utils;

let root = "";
let dir = "";

/** A [h, w, 3] image whose every pixel is `v + 10·k` in channel k. */
const flat = (h: number, w: number, v: number): number[][][] =>
  Array.from({ length: h }, () => Array.from({ length: w }, () => [v, v + 10, v + 20]));

before(async () => {
  root = mkdtempSync(join(tmpdir(), "strata-imgds-"));
  dir = join(root, "d");
  mkdirSync(join(dir, "cats"), { recursive: true });
  mkdirSync(join(dir, "dogs"));
  await saveImg(join(dir, "cats", "c1.png"), st.tensor(flat(4, 4, 10)), { scale: false });
  await saveImg(join(dir, "cats", "c2.png"), st.tensor(flat(4, 4, 20)), { scale: false });
  await saveImg(join(dir, "cats", "c3.gif"), st.tensor(flat(4, 4, 100)), { scale: false });
  await saveImg(join(dir, "dogs", "d1.png"), st.tensor(flat(4, 4, 30)), { scale: false });
  await saveImg(join(dir, "dogs", "d2.jpg"), st.tensor(flat(4, 4, 150)), { scale: false });
  writeFileSync(join(dir, "dogs", "notes.txt"), "not an image");
});
after(() => rmSync(root, { recursive: true, force: true }));

async function collect<T>(ds: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of ds) out.push(e);
  return out;
}

describe("imageDatasetFromDirectory", () => {
  it("float32 [b,h,w,c] batches with int labels, class names and file order", async () => {
    const ds = await imageDatasetFromDirectory(dir, {
      imageSize: [4, 4],
      batchSize: 3,
      shuffle: false,
      verbose: false,
    });
    assert.deepEqual(ds.classNames, ["cats", "dogs"]);
    assert.deepEqual(
      ds.filePaths.map((p) => p.slice(dir.length + 1)),
      ["cats/c1.png", "cats/c2.png", "cats/c3.gif", "dogs/d1.png", "dogs/d2.jpg"],
    );
    assert.equal(ds.cardinality(), 2);
    const batches = await collect(ds);
    const [x] = batches[0]!;
    assert.equal(x.dtype, "float32");
    assert.deepEqual(x.shape, [3, 4, 4, 3]);
    assert.deepEqual(batches[1]![0].shape, [2, 4, 4, 3]);
    assert.deepEqual(
      batches.flatMap(([, l]) => Array.from(l.dataSync())),
      [0, 0, 0, 1, 1],
    );
    // Same size: no resampling, the PNG pixels come back exactly.
    const px = x.dataSync();
    assert.deepEqual(Array.from(px.subarray(0, 3)), [10, 20, 30]);
    assert.deepEqual(Array.from(px.subarray(48, 51)), [20, 30, 40]);
  });

  it("label modes, grayscale, labels null and a seeded validation split", async () => {
    const base = { imageSize: 2, shuffle: false, verbose: false, batchSize: 8 } as const;
    const [, cat] = (
      await collect(await imageDatasetFromDirectory(dir, { ...base, labelMode: "categorical" }))
    )[0]!;
    assert.deepEqual(cat.toArray(), [
      [1, 0],
      [1, 0],
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    const [, bin] = (
      await collect(await imageDatasetFromDirectory(dir, { ...base, labelMode: "binary" }))
    )[0]!;
    assert.deepEqual(bin.toArray(), [[0], [0], [0], [1], [1]]);
    const [gray] = await collect(
      await imageDatasetFromDirectory(dir, { ...base, labelMode: null, colorMode: "grayscale" }),
    );
    assert.ok(gray instanceof st.Tensor);
    assert.deepEqual(gray.shape, [5, 2, 2, 1]);
    const opts = { ...base, shuffle: true, seed: 3, validationSplit: 0.4 } as const;
    const [train, val] = await imageDatasetFromDirectory(dir, { ...opts, subset: "both" });
    assert.equal(train.filePaths.length, 3);
    assert.equal(val.filePaths.length, 2);
    assert.deepEqual([...train.filePaths, ...val.filePaths].sort(), [
      ...(await imageDatasetFromDirectory(dir, base)).filePaths,
    ]);
  });

  it("resizes with half-pixel bilinear, centred crop and resize_with_pad", async () => {
    const d = mkdtempSync(join(root, "r-"));
    mkdirSync(join(d, "a"));
    // One row 0, 40, 80, 120 repeated on 4 rows (grayscale).
    const row = [0, 40, 80, 120];
    await saveImg(
      join(d, "a", "ramp.png"),
      st.tensor(Array.from({ length: 4 }, () => row.map((v) => [v]))),
      {
        scale: false,
      },
    );
    const load = async (o: object): Promise<number[]> => {
      const ds = await imageDatasetFromDirectory(d, {
        labelMode: null,
        colorMode: "grayscale",
        shuffle: false,
        verbose: false,
        ...o,
      });
      const [x] = await collect(ds);
      return Array.from(x!.dataSync());
    };
    // 4 → 2: output column j samples input coordinate (j + 0.5)·2 - 0.5 = 0.5, 2.5.
    assert.deepEqual(await load({ imageSize: [2, 2] }), [20, 100, 20, 100]);
    // Nearest: input columns floor((j + 0.5)·2) = 1, 3.
    assert.deepEqual(await load({ imageSize: [1, 2], interpolation: "nearest" }), [40, 120]);
    // Crop to 1:2 on a 4×4 image keeps rows 1..2, all columns; then 2×4 → 1×2 bilinear.
    assert.deepEqual(await load({ imageSize: [1, 2], cropToAspectRatio: true }), [20, 100]);
    // Pad to 4:2... target [4, 2]: fit 4×4 into 2×2 (ratio 2), bands of 1 row above and below.
    assert.deepEqual(
      await load({ imageSize: [4, 2], padToAspectRatio: true }),
      [0, 0, 20, 100, 20, 100, 0, 0],
    );
  });

  it("a corrupt image fails its batch with an error naming the file", async () => {
    const d = mkdtempSync(join(root, "c-"));
    mkdirSync(join(d, "a"));
    await saveImg(join(d, "a", "ok.png"), st.tensor(flat(2, 2, 5)), { scale: false });
    writeFileSync(join(d, "a", "zz_bad.jpg"), "garbage bytes");
    const ds = await imageDatasetFromDirectory(d, { imageSize: 2, shuffle: false, verbose: false });
    await assert.rejects(collect(ds), (err: Error) => {
      assert.ok(err instanceof st.StrataError);
      assert.match(err.message, /zz_bad\.jpg/);
      return true;
    });
  });

  it("errors: no images, an empty class folder, bad options", async () => {
    const q = { verbose: false };
    const d = mkdtempSync(join(root, "e-"));
    mkdirSync(join(d, "a"));
    writeFileSync(join(d, "a", "readme.txt"), "x");
    await assert.rejects(imageDatasetFromDirectory(d, q), /class folder .*a" holds no files/);
    await assert.rejects(
      imageDatasetFromDirectory(d, { ...q, labels: null }),
      /no images found in directory/,
    );
    await assert.rejects(
      imageDatasetFromDirectory(dir, { ...q, imageSize: [2] as never }),
      /imageSize/,
    );
    await assert.rejects(
      imageDatasetFromDirectory(dir, { ...q, interpolation: "gaussian" as never }),
      /interpolation should be one of/,
    );
    await assert.rejects(
      imageDatasetFromDirectory(dir, { ...q, cropToAspectRatio: true, padToAspectRatio: true }),
      /only one of/,
    );
    await assert.rejects(
      imageDatasetFromDirectory(dir, { ...q, labelMode: "binary", classNames: ["cats"] }),
      /exactly 2 classNames/,
    );
  });
});
