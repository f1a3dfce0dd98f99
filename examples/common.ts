// Shared by the book's examples: the quick mode CI runs (a few hundred samples, one epoch) and
// small helpers the book defines inline.
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../src/index.js";

/** `--quick` (or STRATA_EXAMPLE_QUICK=1): a small slice and one epoch, so CI keeps examples alive. */
export const quick = process.argv.includes("--quick") || process.env.STRATA_EXAMPLE_QUICK === "1";

/** `--seed N`: the seed every example passes to `st.random.setSeed` (default 0). */
export const seed = (() => {
  const at = process.argv.indexOf("--seed");
  const value = at >= 0 ? Number(process.argv[at + 1]) : 0;
  if (!Number.isInteger(value))
    throw new Error(`--seed expects an integer; received ${process.argv[at + 1]}`);
  return value;
})();

/**
 * `--data DIR`: read the data sets from DIR as your own copies, without Keras's hash check (the
 * tests run the examples on the small fixtures in test/fixtures/datasets this way). Without it,
 * the loaders look in `$STRATA_DATASETS_DIR` or download, as usual.
 */
export const dataOptions: st.datasets.DatasetOptions = (() => {
  const at = process.argv.indexOf("--data");
  if (at < 0) return {};
  const dir = process.argv[at + 1];
  if (dir === undefined || dir.startsWith("--")) throw new Error("--data expects a folder");
  return { cacheDir: dir, checkHash: false };
})();

/** The first n rows of a tensor (all of them outside quick mode). */
export function head(x: st.Tensor, n: number): st.Tensor {
  if (!quick || x.shape[0]! <= n) return x;
  return st.ops.slice(x, [0, ...x.shape.slice(1).map(() => 0)], [n, ...x.shape.slice(1)]);
}

/** The book's `vectorize_sequences`: multi-hot rows of width `dimension`. */
export function vectorizeSequences(
  sequences: readonly (readonly number[])[],
  dimension = 10000,
): st.Tensor {
  const out = new Float32Array(sequences.length * dimension);
  sequences.forEach((seq, i) => {
    for (const w of seq) if (w < dimension) out[i * dimension + w] = 1;
  });
  return st.tensor(out, [sequences.length, dimension]);
}

/** Runs an example's main and prints how long it took. */
export async function run(name: string, main: () => Promise<number | string>): Promise<void> {
  const start = performance.now();
  const result = await main();
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  console.log(
    `${name}: ${result} (${seconds} s on the ${st.getBackend()} backend${quick ? ", quick mode" : ""})`,
  );
}

/**
 * The path of a Keras application weights file (`fname`, e.g.
 * "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5") when a copy is already in Keras's cache
 * (`~/.keras/models`) or Strata's (`~/.strata/models`), else null: the examples that need
 * ImageNet weights use them when present and say when they run untrained instead.
 */
export function cachedImagenetWeights(fname: string): string | null {
  for (const dir of [join(homedir(), ".keras", "models"), join(homedir(), ".strata", "models")]) {
    const path = join(dir, fname);
    if (existsSync(path)) return path;
  }
  return null;
}

/** `--out DIR`: where an example writes its images (default: a new folder under the temp dir). */
export function outDir(name: string): string {
  const at = process.argv.indexOf("--out");
  const dir = at >= 0 ? process.argv[at + 1] : mkdtempSync(join(tmpdir(), `strata-${name}-`));
  if (dir === undefined || dir.startsWith("--")) throw new Error("--out expects a folder");
  mkdirSync(dir, { recursive: true });
  return dir;
}
