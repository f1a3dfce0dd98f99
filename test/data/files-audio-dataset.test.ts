// st.utils.audioDatasetFromDirectory on test/fixtures/wav/ (written by Python's `wave`; the
// expected file order, seeded shuffle and split are Keras's index_directory steps run in Python
// on that tree, and resampled clips are scipy.signal.resample as Keras's SciPy loader calls it:
// test/fixtures/make_wav_fixtures.py): labels and class order, splits with a seed, padded, cut and
// ragged batches, resampling, label modes, errors.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const { audioDatasetFromDirectory } = st.utils;
const FIXTURES = fileURLToPath(new URL("../fixtures/wav/", import.meta.url));
const TREE = join(FIXTURES, "tree");

interface Arr {
  v: number[];
  s: number[];
}
const ref = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as {
  clips: Record<string, Arr>;
  resampled: {
    file: string;
    samplingRate: number;
    outputSequenceLength: number | null;
    audio: Arr;
  }[];
  split: {
    seed: number;
    validationSplit: number;
    sorted: string[];
    sortedLabels: number[];
    shuffled: string[];
    shuffledLabels: number[];
    training: string[];
    validation: string[];
  };
};

let root = "";
before(() => {
  root = mkdtempSync(join(tmpdir(), "strata-audio-"));
});
after(() => rmSync(root, { recursive: true, force: true }));

async function collect<T>(ds: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of ds) out.push(e);
  return out;
}
const rel = (paths: string[]): string[] => paths.map((p) => p.slice(TREE.length + 1));
const quiet = { verbose: false } as const;

/** The clips of `files`, each cut or zero-padded to `length`, as a flat [files, length, 1] list. */
function paddedClips(files: string[], length: number): number[] {
  return files.flatMap((f) => {
    const v = ref.clips[f]!.v;
    return Array.from({ length }, (_, i) => v[i] ?? 0);
  });
}

describe("audioDatasetFromDirectory", () => {
  it("reads the class folders in Keras's order and pads each batch to its longest clip", async () => {
    const ds = await audioDatasetFromDirectory(TREE, { shuffle: false, batchSize: 4, ...quiet });
    assert.deepEqual(ds.classNames, ["bird", "cat", "dog"]);
    assert.deepEqual(rel(ds.filePaths), ref.split.sorted);
    assert.equal(ds.cardinality(), 3);
    const batches = await collect(ds);
    assert.equal(batches.length, 3);
    for (const [b, [audio, labels]] of batches.entries()) {
      const files = ref.split.sorted.slice(4 * b, 4 * b + 4);
      const longest = Math.max(...files.map((f) => ref.clips[f]!.s[0]!));
      assert.equal(audio.dtype, "float32");
      assert.deepEqual(audio.shape, [files.length, longest, 1]);
      assert.deepEqual(Array.from(audio.dataSync()), paddedClips(files, longest));
      assert.equal(labels.dtype, "int32");
      assert.deepEqual(
        Array.from(labels.dataSync()),
        ref.split.sortedLabels.slice(4 * b, 4 * b + 4),
      );
    }
  });

  it("shuffles with NumPy's RandomState(seed) and splits off Keras's validation files", async () => {
    const { seed, validationSplit } = ref.split;
    const [train, val] = await audioDatasetFromDirectory(TREE, {
      seed,
      validationSplit,
      subset: "both",
      batchSize: null,
      ...quiet,
    });
    assert.deepEqual(rel(train.filePaths), ref.split.training);
    assert.deepEqual(rel(val.filePaths), ref.split.validation);
    // Validation is read in order, unshuffled, each clip at its own length (unbatched).
    const vs = await collect(val);
    vs.forEach(([x, y], i) => {
      const f = ref.split.validation[i]!;
      assert.deepEqual(x.shape, ref.clips[f]!.s);
      assert.deepEqual(Array.from(x.dataSync()), ref.clips[f]!.v);
      assert.equal(y.item(), ref.split.shuffledLabels[ref.split.training.length + i]);
    });
    // Training is reshuffled each pass; it holds the training files with their labels.
    const seen = (await collect(train)).map(([x, y]) => {
      const f = ref.split.training.find(
        (g) => JSON.stringify(ref.clips[g]!.v) === JSON.stringify(Array.from(x.dataSync())),
      )!;
      assert.equal(y.item(), ref.split.shuffledLabels[ref.split.training.indexOf(f)]);
      return f;
    });
    assert.deepEqual([...seen].sort(), [...ref.split.training].sort());

    const one = await audioDatasetFromDirectory(TREE, {
      seed,
      validationSplit,
      subset: "validation",
      ...quiet,
    });
    assert.deepEqual(rel(one.filePaths), ref.split.validation);
  });

  it("says what it found, as Keras does", async (t) => {
    const lines: string[] = [];
    t.mock.method(console, "log", (m: string) => lines.push(m));
    await audioDatasetFromDirectory(TREE, { seed: 1, validationSplit: 0.3, subset: "training" });
    assert.ok(lines.includes("Found 10 files belonging to 3 classes."), lines.join("\n"));
    assert.ok(lines.includes("Using 7 files for training."), lines.join("\n"));
  });

  it("cuts or zero-pads every clip to outputSequenceLength and stacks batches", async () => {
    const ds = await audioDatasetFromDirectory(TREE, {
      shuffle: false,
      batchSize: 6,
      outputSequenceLength: 5,
      labelMode: null,
      ...quiet,
    });
    const batches = (await collect(ds)) as Tensor[];
    assert.deepEqual(
      batches.map((b) => b.shape),
      [
        [6, 5, 1],
        [4, 5, 1],
      ],
    );
    assert.deepEqual(
      batches.flatMap((b) => Array.from(b.dataSync())),
      paddedClips(ref.split.sorted, 5),
    );
  });

  it("keeps each clip's own length with ragged: values one after another, rowSplits", async () => {
    const ds = await audioDatasetFromDirectory(TREE, {
      shuffle: false,
      batchSize: 4,
      ragged: true,
      ...quiet,
    });
    assert.equal(ds.cardinality(), 3);
    const batches = await collect(ds);
    for (const [b, [audio, labels]] of batches.entries()) {
      const files = ref.split.sorted.slice(4 * b, 4 * b + 4);
      const lengths = files.map((f) => ref.clips[f]!.s[0]!);
      const splits = lengths.reduce((acc, n) => [...acc, acc[acc.length - 1]! + n], [0]);
      assert.equal(audio.rowSplits.dtype, "int32");
      assert.deepEqual(Array.from(audio.rowSplits.dataSync()), splits);
      assert.deepEqual(audio.values.shape, [splits[splits.length - 1], 1]);
      assert.deepEqual(
        Array.from(audio.values.dataSync()),
        files.flatMap((f) => ref.clips[f]!.v),
      );
      assert.deepEqual(
        Array.from(labels.dataSync()),
        ref.split.sortedLabels.slice(4 * b, 4 * b + 4),
      );
    }
    // Shuffled, the file numbers are batched before loading: every clip still comes once.
    const shuffled = await audioDatasetFromDirectory(TREE, {
      seed: 3,
      batchSize: 3,
      ragged: true,
      ...quiet,
    });
    const parts = await collect(shuffled);
    const total = ref.split.sorted.reduce((n, f) => n + ref.clips[f]!.s[0]!, 0);
    assert.equal(
      parts.reduce((n, [a]) => n + a.values.shape[0]!, 0),
      total,
    );
    assert.deepEqual(
      parts.flatMap(([, y]) => Array.from(y.dataSync())).sort(),
      [...ref.split.sortedLabels].sort(),
    );
    const single = await audioDatasetFromDirectory(TREE, {
      shuffle: false,
      batchSize: null,
      ragged: true,
      labels: null,
      ...quiet,
    });
    const first = (await collect(single))[0]!;
    assert.deepEqual(first.shape, ref.clips[ref.split.sorted[0]!]!.s);
  });

  it("resamples to samplingRate as Keras's SciPy loader, before cutting to outputSequenceLength", async () => {
    const dir = join(root, "resample");
    mkdirSync(dir);
    copyFileSync(join(FIXTURES, "formats", "pcm16_mono.wav"), join(dir, "a.wav"));
    for (const c of ref.resampled.filter((r) => r.file === "pcm16_mono.wav")) {
      const ds = await audioDatasetFromDirectory(dir, {
        labels: null,
        samplingRate: c.samplingRate,
        outputSequenceLength: c.outputSequenceLength,
        ...quiet,
      });
      const [x] = (await collect(ds)) as Tensor[];
      assert.deepEqual(x!.shape, [1, ...c.audio.s]);
      const got = x!.dataSync();
      c.audio.v.forEach((v, i) =>
        assert.ok(Math.abs(got[i]! - v) < 2e-6, `${c.samplingRate} Hz [${i}]`),
      );
    }
  });

  it("pads clips with different channel counts on every axis, as padded_batch does (not ragged)", async () => {
    const dir = join(root, "channels");
    mkdirSync(dir);
    copyFileSync(join(FIXTURES, "formats", "pcm16_mono.wav"), join(dir, "a.wav"));
    copyFileSync(join(FIXTURES, "formats", "pcm16_stereo.wav"), join(dir, "b.wav"));
    const ds = await audioDatasetFromDirectory(dir, { labels: null, shuffle: false, ...quiet });
    const [x] = (await collect(ds)) as Tensor[];
    assert.deepEqual(x!.shape, [2, 101, 2]);
    const v = x!.dataSync();
    assert.equal(v[1], 0); // the mono clip's missing second channel
    assert.equal(v[2 * 101 * 2 - 1], 0); // past the stereo clip's 64 frames
    // A ragged batch keeps only the time axis ragged: the channels must agree.
    const ragged = await audioDatasetFromDirectory(dir, { labels: null, ragged: true, ...quiet });
    await assert.rejects(
      collect(ragged),
      /audioDatasetFromDirectory: a ragged batch needs every clip to have the same number of channels; received clips with [12] and [12]/,
    );
  });

  it("encodes labels as Keras's label modes, in classNames order, or from a list", async () => {
    const cat = await audioDatasetFromDirectory(TREE, {
      shuffle: false,
      labelMode: "categorical",
      classNames: ["dog", "bird"],
      ...quiet,
    });
    assert.deepEqual(cat.classNames, ["dog", "bird"]);
    assert.deepEqual(rel(cat.filePaths), [
      "dog/d1.wav",
      "dog/d2.wav",
      "dog/d3.wav",
      "bird/b1.wav",
      "bird/b2.wav",
      "bird/sub/b3.wav",
    ]);
    const [, y] = (await collect(cat))[0]!;
    assert.deepEqual(y.shape, [6, 2]);
    assert.deepEqual(Array.from(y.dataSync()), [1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1]);

    const bin = await audioDatasetFromDirectory(TREE, {
      shuffle: false,
      labelMode: "binary",
      classNames: ["cat", "dog"],
      ...quiet,
    });
    const [, yb] = (await collect(bin))[0]!;
    assert.equal(yb.dtype, "float32");
    assert.deepEqual(yb.shape, [7, 1]);
    assert.deepEqual(Array.from(yb.dataSync()), [0, 0, 0, 0, 1, 1, 1]);

    const listed = await audioDatasetFromDirectory(TREE, {
      shuffle: false,
      labels: [5, 5, 5, 1, 1, 1, 1, 0, 0, 0],
      batchSize: 10,
      ...quiet,
    });
    assert.deepEqual(listed.classNames, ["0", "1", "5"]);
    const [, yl] = (await collect(listed))[0]!;
    assert.deepEqual(Array.from(yl.dataSync()), [5, 5, 5, 1, 1, 1, 1, 0, 0, 0]);
  });

  it("refuses options Keras refuses, with a ValueError naming them", async () => {
    const bad: [object, RegExp][] = [
      [
        { ragged: true, outputSequenceLength: 10 },
        /cannot set both ragged and outputSequenceLength/,
      ],
      [
        { samplingRate: 1.5 },
        /samplingRate should have an integer value\. Received: samplingRate=1\.5/,
      ],
      [{ samplingRate: 0 }, /samplingRate should be higher than 0/],
      [{ outputSequenceLength: -1 }, /outputSequenceLength must be a non-negative integer/],
      [{ labelMode: "binary" }, /exactly 2 classNames/],
      [{ validationSplit: 0.2 }, /if subset is set, validationSplit must be set/],
      [{ validationSplit: 0.2, subset: "training" }, /must provide a seed/],
      [{ samplingrate: 8000 }, /unknown option samplingrate; did you mean samplingRate\?/],
    ];
    for (const [opts, message] of bad)
      await assert.rejects(audioDatasetFromDirectory(TREE, { ...quiet, ...opts }), (e: unknown) => {
        assert.ok(e instanceof st.ValueError, String(e));
        assert.match(e.message, message);
        assert.match(e.message, /^audioDatasetFromDirectory: /);
        return true;
      });
  });

  it("says which file is not a WAV file Strata can read, and when no .wav files are there", async () => {
    const dir = join(root, "corrupt");
    mkdirSync(join(dir, "x"), { recursive: true });
    copyFileSync(join(FIXTURES, "formats", "pcm16_mono.wav"), join(dir, "x", "a.wav"));
    writeFileSync(join(dir, "x", "b.wav"), "not a wav file at all");
    const ds = await audioDatasetFromDirectory(dir, { shuffle: false, ...quiet });
    await assert.rejects(collect(ds), (e: unknown) => {
      assert.ok(e instanceof st.StrataError);
      assert.match(
        e.message,
        /Cannot decode WAV file ".*corrupt\/x\/b\.wav": it does not start with a RIFF\/WAVE header/,
      );
      return true;
    });
    const none = join(root, "none");
    mkdirSync(none);
    writeFileSync(join(none, "a.mp3"), "");
    await assert.rejects(
      audioDatasetFromDirectory(none, { labels: null, ...quiet }),
      /no audio files found in directory .*none\. Allowed formats: \.wav/,
    );
  });
});
