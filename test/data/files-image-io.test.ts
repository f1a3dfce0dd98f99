// st.utils.loadImg / imgToArray / arrayToImg / saveImg: pixels that round-trip through lossless
// files, Pillow's colour conversions and resize computed by hand, BMP files built byte by byte,
// corrupt files named in errors.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as st from "../../src/index.js";

const { loadImg, imgToArray, arrayToImg, saveImg } = st.utils;

let dir = "";
before(() => {
  dir = mkdtempSync(join(tmpdir(), "strata-img-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A [h, w, c] array whose pixel (y, x, k) is a distinct byte. */
function pattern(h: number, w: number, c: number): number[][][] {
  return Array.from({ length: h }, (_, y) =>
    Array.from({ length: w }, (_, x) =>
      Array.from({ length: c }, (_, k) => (y * 50 + x * 13 + k * 71) % 256),
    ),
  );
}

/** A BMP file: 14-byte file header + 40-byte BITMAPINFOHEADER + palette + rows (bottom-up unless topDown). */
function bmp(
  width: number,
  height: number,
  bpp: number,
  rows: number[][],
  opts: { palette?: number[][]; topDown?: boolean } = {},
): Uint8Array {
  const stride = Math.ceil((width * bpp) / 32) * 4;
  const palette = opts.palette ?? [];
  const offset = 54 + palette.length * 4;
  const out = new Uint8Array(offset + stride * height);
  const dv = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  dv.setUint32(2, out.length, true);
  dv.setUint32(10, offset, true);
  dv.setUint32(14, 40, true);
  dv.setInt32(18, width, true);
  dv.setInt32(22, opts.topDown ? -height : height, true);
  dv.setUint16(26, 1, true);
  dv.setUint16(28, bpp, true);
  dv.setUint32(46, palette.length, true);
  palette.forEach(([r, g, b], i) => out.set([b!, g!, r!, 0], 54 + i * 4));
  rows.forEach((row, y) => {
    const fileRow = opts.topDown ? y : height - 1 - y;
    out.set(row, offset + fileRow * stride);
  });
  return out;
}

describe("image I/O", () => {
  it("saveImg → loadImg round-trips PNG pixels exactly, for 1, 3 and 4 channels", async () => {
    for (const [c, mode] of [
      [3, "rgb"],
      [4, "rgba"],
      [1, "grayscale"],
    ] as const) {
      const x = st.tensor(pattern(5, 7, c));
      const path = join(dir, `p${c}.png`);
      await saveImg(path, x, { scale: false });
      const img = await loadImg(path, { colorMode: mode });
      assert.equal(img.width, 7);
      assert.equal(img.height, 5);
      assert.equal(img.channels, c);
      const arr = imgToArray(img);
      assert.equal(arr.dtype, "float32");
      assert.deepEqual(arr.shape, [5, 7, c]);
      assert.deepEqual(arr.toArray(), x.toArray());
    }
    // Only the finished files, no temporaries.
    assert.deepEqual(readdirSync(dir).sort(), ["p1.png", "p3.png", "p4.png"]);
  });

  it("colour modes convert as Pillow's: luma for grayscale, alpha 255 added, alpha dropped", async () => {
    const rgb = [
      [
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
        [10, 200, 30],
      ],
    ];
    const path = join(dir, "colours.png");
    await saveImg(path, st.tensor(rgb), { scale: false });
    const gray = imgToArray(await loadImg(path, { colorMode: "grayscale" }));
    assert.deepEqual(gray.shape, [1, 4, 1]);
    // Pillow: L = (R·19595 + G·38470 + B·7471 + 32768) >> 16.
    const luma = rgb[0]!.map(([r, g, b]) => (r! * 19595 + g! * 38470 + b! * 7471 + 32768) >> 16);
    assert.deepEqual(Array.from(gray.dataSync()), luma);
    assert.deepEqual(luma, [76, 150, 29, 124]);
    const rgba = imgToArray(await loadImg(path, { colorMode: "rgba" }), { dtype: "uint8" });
    assert.equal(rgba.dtype, "uint8");
    assert.deepEqual(rgba.toArray(), [rgb[0]!.map((p) => [...p, 255])]);
    const withAlpha = join(dir, "alpha.png");
    await saveImg(withAlpha, st.tensor([[[1, 2, 3, 4]]]), { scale: false });
    assert.deepEqual(imgToArray(await loadImg(withAlpha)).toArray(), [[[1, 2, 3]]]);
  });

  it("targetSize resizes as Pillow: nearest by default, bilinear with antialiasing, keepAspectRatio crops", async () => {
    const row = [0, 100, 200, 255];
    const path = join(dir, "row.png");
    await saveImg(path, st.tensor([row.map((v) => [v])]), { scale: false });
    const near = imgToArray(await loadImg(path, { colorMode: "grayscale", targetSize: [1, 2] }));
    // Nearest: source column floor((x + 0.5)·2) = 1, 3.
    assert.deepEqual(Array.from(near.dataSync()), [100, 255]);
    const bil = await loadImg(path, {
      colorMode: "grayscale",
      targetSize: [1, 2],
      interpolation: "bilinear",
    });
    // Shrinking by 2 widens the triangle to ±2: output 0 has centre 1, taps 0..2 with weights
    // .75 .75 .25; output 1 has centre 3, taps 1..3 with weights .25 .75 .75 (each / 1.75).
    const expect0 = Math.round((0 * 0.75 + 100 * 0.75 + 200 * 0.25) / 1.75);
    const expect1 = Math.round((100 * 0.25 + 200 * 0.75 + 255 * 0.75) / 1.75);
    assert.deepEqual(Array.from(bil.data), [expect0, expect1]);
    assert.deepEqual([expect0, expect1], [71, 209]);
    // 2 rows × 4 columns to 2×2 keeping the aspect ratio: the centre columns 1 and 2.
    const wide = join(dir, "wide.png");
    await saveImg(wide, st.tensor([row.map((v) => [v]), row.map((v) => [255 - v])]), {
      scale: false,
    });
    const crop = await loadImg(wide, {
      colorMode: "grayscale",
      targetSize: [2, 2],
      keepAspectRatio: true,
    });
    assert.deepEqual(Array.from(crop.data), [100, 200, 155, 55]);
  });

  it("JPEG and GIF load (lossy: close), GIF's first frame", async () => {
    const x = st.tensor(pattern(8, 8, 3).map((r) => r.map(() => [200, 40, 90])));
    const jpg = join(dir, "flat.jpg");
    await saveImg(jpg, x, { scale: false });
    const j = imgToArray(await loadImg(jpg));
    assert.deepEqual(j.shape, [8, 8, 3]);
    for (const [i, v] of Array.from(j.dataSync()).entries())
      assert.ok(Math.abs(v - [200, 40, 90][i % 3]!) <= 3, `jpeg value ${v} at ${i}`);
    const gif = join(dir, "flat.gif");
    await saveImg(gif, x, { scale: false });
    const g = imgToArray(await loadImg(gif));
    assert.deepEqual(g.shape, [8, 8, 3]);
    for (const [i, v] of Array.from(g.dataSync()).entries())
      assert.ok(Math.abs(v - [200, 40, 90][i % 3]!) <= 8, `gif value ${v} at ${i}`);
  });

  it("reads BMP files: 24-bit bottom-up, 32-bit top-down, 8-bit palette", async () => {
    // 2×2: red, green / blue, white; rows in BGR, each padded to 4 bytes.
    const b24 = bmp(2, 2, 24, [
      [0, 0, 255, 0, 255, 0, 0, 0],
      [255, 0, 0, 255, 255, 255, 0, 0],
    ]);
    const p24 = join(dir, "a.bmp");
    writeFileSync(p24, b24);
    assert.deepEqual(imgToArray(await loadImg(p24)).toArray(), [
      [
        [255, 0, 0],
        [0, 255, 0],
      ],
      [
        [0, 0, 255],
        [255, 255, 255],
      ],
    ]);
    const b32 = bmp(
      1,
      2,
      32,
      [
        [1, 2, 3, 0],
        [4, 5, 6, 0],
      ],
      { topDown: true },
    );
    assert.deepEqual(imgToArray(await loadImg(b32)).toArray(), [[[3, 2, 1]], [[6, 5, 4]]]);
    const b8 = bmp(3, 1, 8, [[1, 0, 1, 0]], {
      palette: [
        [10, 20, 30],
        [40, 50, 60],
      ],
    });
    assert.deepEqual(imgToArray(await loadImg(b8)).toArray(), [
      [
        [40, 50, 60],
        [10, 20, 30],
        [40, 50, 60],
      ],
    ]);
  });

  it("corrupt, missing and unsupported files are StrataErrors naming the file", async () => {
    const bad = join(dir, "broken.png");
    writeFileSync(bad, "this is not a png");
    await assert.rejects(loadImg(bad), (err: Error) => {
      assert.ok(err instanceof st.StrataError);
      assert.ok(err.message.includes(bad), err.message);
      return true;
    });
    const truncated = join(dir, "truncated.bmp");
    writeFileSync(truncated, bmp(4, 4, 24, []).subarray(0, 60));
    await assert.rejects(loadImg(truncated), /truncated\.bmp.*truncated pixel data/);
    await assert.rejects(loadImg(join(dir, "missing.png")), /could not read .*missing\.png/);
    await assert.rejects(saveImg(join(dir, "x.xyz"), st.zeros([2, 2, 3])), /file format/);
    await assert.rejects(loadImg(bad, { colorMode: "cmyk" as never }), /colorMode must be/);
  });

  it("arrayToImg scales to [0, 255] and truncates, as Keras; rank and channel checks", () => {
    const img = arrayToImg(
      st.tensor([
        [[0], [2]],
        [[4], [8]],
      ]),
    );
    assert.equal(img.mode, "L");
    assert.deepEqual(Array.from(img.data), [0, 63, 127, 255]);
    const raw = arrayToImg(
      st.tensor([
        [[0], [2]],
        [[4], [300]],
      ]),
      { scale: false },
    );
    assert.deepEqual(Array.from(raw.data), [0, 2, 4, 255]);
    assert.throws(() => arrayToImg(st.zeros([2, 2])), /rank 3/);
    assert.throws(() => arrayToImg(st.zeros([2, 2, 2])), /unsupported channel number: 2/);
  });

  it("saveImg of RGBA as JPEG warns and drops alpha", async () => {
    const warn = console.warn;
    const seen: string[] = [];
    console.warn = (m: string) => seen.push(m);
    try {
      await saveImg(join(dir, "rgba.jpeg"), st.full([4, 4, 4], 128), { scale: false });
    } finally {
      console.warn = warn;
    }
    assert.match(seen.join(""), /does not support RGBA/);
    const back = await loadImg(join(dir, "rgba.jpeg"), { colorMode: "rgba" });
    assert.equal(back.channels, 4);
    assert.ok(
      Array.from(back.data).every((v, i) => (i % 4 === 3 ? v === 255 : Math.abs(v - 128) <= 2)),
    );
  });
});
