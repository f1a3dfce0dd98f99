/**
 * Images decoded per second through `imageDatasetFromDirectory` (read, decode, resize, batch),
 * one file at a time (`numParallelCalls: 1`) against several in flight (AUTOTUNE), in alternating
 * rounds in one process. The PNG files are written first into class folders of a temporary
 * folder: Fashion-MNIST's real images when `STRATA_DATASETS_DIR` holds it, random ones otherwise.
 *
 *   STRATA_DATASETS_DIR=../shared/datasets node --import tsx bench/image-decode.ts \
 *     [--images 2000] [--size 28] [--resize 64] [--rounds 2]
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../src/index.js";
import { parseArgs } from "./lib/measure.mjs";

const args = parseArgs();
const count = Number(args.images ?? 2000);
const rounds = Number(args.rounds ?? 2);
const resize = Number(args.resize ?? 64);
const dir = mkdtempSync(join(tmpdir(), "strata-image-decode-"));

/** Writes `count` PNGs into ten class folders; returns what they hold. */
async function writeImages(): Promise<string> {
  for (let c = 0; c < 10; c++) mkdirSync(join(dir, `class_${c}`));
  let source = "random";
  let images: st.Tensor | null = null;
  let labels: Int32Array | null = null;
  if (process.env["STRATA_DATASETS_DIR"]) {
    const [[x, y]] = await st.datasets.fashionMnist.loadData();
    images = x;
    labels = Int32Array.from(y.dataSync());
    source = "Fashion-MNIST";
  }
  const size = images ? 28 : Number(args.size ?? 28);
  const px = images ? images.dataSync() : null;
  const writes: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const values = px
      ? Array.from(px.subarray(i * size * size, (i + 1) * size * size))
      : Array.from({ length: size * size }, () => Math.floor(Math.random() * 256));
    const img = st.tensor(values, [size, size, 1]);
    const label = labels ? labels[i]! : i % 10;
    writes.push(st.utils.saveImg(join(dir, `class_${label}`, `${i}.png`), img, { scale: false }));
    if (writes.length === 64) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  return `${count} ${source} PNGs of ${size}x${size}`;
}

async function rate(parallel: number): Promise<number> {
  const ds = await st.utils.imageDatasetFromDirectory(dir, {
    imageSize: [resize, resize],
    colorMode: "grayscale",
    batchSize: 32,
    seed: 1,
    verbose: false,
    numParallelCalls: parallel,
  });
  const t = performance.now();
  let n = 0;
  for await (const [x] of ds) n += x.shape[0]!;
  return n / ((performance.now() - t) / 1000);
}

try {
  const what = await writeImages();
  console.log(
    `${what}, resized to ${resize}x${resize}, batches of 32, ${availableParallelism()} cores`,
  );
  const best: Record<string, number> = { "1": 0, AUTOTUNE: 0 };
  for (let r = 0; r < rounds; r++) {
    for (const [name, p] of [
      ["1", 1],
      ["AUTOTUNE", st.data.AUTOTUNE],
    ] as const) {
      const v = await rate(p);
      best[name] = Math.max(best[name]!, v);
      console.log(`round ${r + 1} numParallelCalls ${name}: ${v.toFixed(0)} images/s`);
    }
  }
  console.log(
    `best: numParallelCalls 1 ${best["1"]!.toFixed(0)} images/s, AUTOTUNE ${best["AUTOTUNE"]!.toFixed(0)} images/s`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
