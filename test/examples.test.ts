import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const shared = join(root, "..", "shared", "datasets");
const fixtures = join(root, "test", "fixtures", "datasets");

/**
 * Each of the book's examples in quick mode (a small slice, one epoch), so none can rot: on the real
 * files in ../shared/datasets where they are all there, else on the small fixtures.
 */
const examples: [file: string, needs: string[]][] = [
  ["quickstart.ts", []],
  ["mnist-shipped.ts", []],
  ["functional-multi-io.ts", []],
  ["mnist-mlp.ts", ["mnist.npz"]],
  ["mnist-convnet.ts", ["mnist.npz"]],
  ["residual-block.ts", ["mnist.npz"]],
  ["custom-training-loop.ts", ["mnist.npz"]],
  ["imdb-dense.ts", ["imdb_word_index.json"]],
  ["imdb-lstm.ts", ["imdb_word_index.json"]],
  ["boston-kfold.ts", ["boston_housing.npz"]],
  ["reuters.ts", ["reuters.npz", "reuters_word_index.json"]],
  // Too few reviews or images in the fixtures for a validation split: real data only.
  ["imdb-text.ts", ["imdb_reviews.json.gz", "!fixtures"]],
  [
    "image-folder.ts",
    [
      "fashion-mnist/train-images-idx3-ubyte.gz",
      "fashion-mnist/t10k-images-idx3-ubyte.gz",
      "!fixtures",
    ],
  ],
  ["jena-temperature.ts", []],
  ["vae-mnist.ts", ["mnist.npz"]],
  ["dcgan.ts", ["mnist.npz"]],
  ["tune-mnist.ts", ["mnist.npz"]],
  ["grad-cam.ts", ["fashion-mnist/train-images-idx3-ubyte.gz"]],
  ["convnet-filters.ts", ["fashion-mnist/train-images-idx3-ubyte.gz"]],
  ["text-generation.ts", ["imdb_reviews.json.gz", "!fixtures"]],
  ["deep-dream.ts", ["fashion-mnist/t10k-images-idx3-ubyte.gz"]],
  ["style-transfer.ts", ["fashion-mnist/t10k-images-idx3-ubyte.gz"]],
  ["transfer-learning.ts", ["fashion-mnist/train-images-idx3-ubyte.gz"]],
];

describe("examples (quick mode)", () => {
  for (const [file, needs] of examples) {
    const files = needs.filter((f) => f !== "!fixtures");
    const real = files.every((f) => existsSync(join(shared, f)));
    const skip = !real && needs.includes("!fixtures") && `needs ${files.join(", ")} in ${shared}`;
    it(real ? file : `${file} (on the fixtures)`, { skip }, () => {
      const out = execFileSync(
        process.execPath,
        [
          "--import",
          "tsx",
          join("examples", file),
          "--quick",
          ...(real ? [] : ["--data", fixtures]),
        ],
        {
          cwd: root,
          encoding: "utf8",
          env: { ...process.env, STRATA_DATASETS_DIR: shared },
          timeout: 120_000,
        },
      );
      // Every book example ends with its metric and timing; the quickstart with its prediction.
      assert.match(
        out,
        file === "quickstart.ts" ? /prediction at \(1, 1\)/ : /: .*\(\d+\.\d s on the \w+ backend/,
      );
    });
  }
});
