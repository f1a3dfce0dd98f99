import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { StrataError } from "../../src/errors.js";
import { type Hdf5Dataset, Hdf5Group, readHdf5 } from "../../src/io/hdf5.js";
import { ZipReader } from "../../src/io/zip.js";
import { FIXTURES, haveFixtures, NAMES, SHIPPED } from "../keras-fixtures.js";

// One Keras fixture ships with the tests (seq: embeddings, LSTM, GRU, SimpleRNN, Bidirectional);
// the other five, and the save_weights / legacy .h5 files, come from ../shared when present.
if (!haveFixtures) console.log(`# skipped the Keras HDF5 fixtures: no fixtures at ${FIXTURES}`);

const weightsInKeras = (path: string): Uint8Array =>
  new ZipReader(readFileSync(path), path).read("model.weights.h5");

/** Every dataset below `group`, by path. */
function datasets(
  group: Hdf5Group,
  out = new Map<string, Hdf5Dataset>(),
): Map<string, Hdf5Dataset> {
  for (const key of group.keys()) {
    const node = group.get(key);
    if (node instanceof Hdf5Group) datasets(node, out);
    else out.set(node.path, node);
  }
  return out;
}

/** Shape and exact sum: the same tensor gives the same fingerprint wherever it is stored. */
function fingerprint(ds: Hdf5Dataset): string {
  let sum = 0;
  for (const v of ds.read() as Float32Array) sum += v;
  return `${ds.shape.join("x")}:${sum}`;
}

describe("HDF5 reader: the shipped seq fixture", () => {
  // A plain copy: Buffer's slice() shares memory, and the tests below damage slices.
  const bytes = new Uint8Array(weightsInKeras(`${SHIPPED}/seq.keras`));
  const root = readHdf5(bytes, "seq/model.weights.h5");

  it("lists groups and reads datasets with their shapes and dtypes", () => {
    assert.deepEqual(root.keys(), ["layers", "optimizer", "vars"]);
    assert.ok(root.get("layers") instanceof Hdf5Group);
    const kernel = root.dataset("layers/lstm/cell/vars/0");
    assert.equal(kernel.kind, "dataset");
    assert.equal(kernel.path, "/layers/lstm/cell/vars/0");
    assert.deepEqual(kernel.shape, [8, 24]); // LSTM(6) on 8 features: [input, 4·units]
    assert.equal(kernel.dtype, "float32");
    const data = kernel.read();
    assert.ok(data instanceof Float32Array && data.length === 8 * 24);
    assert.ok(data.every((v) => Number.isFinite(v) && Math.abs(v) < 2));
    assert.deepEqual(root.dataset("layers/gru/cell/vars/2").shape, [2, 15]); // reset_after bias
    assert.deepEqual(root.group("layers/bidirectional/forward_layer/cell/vars").keys(), [
      "0",
      "1",
      "2",
    ]);
    // A scalar: the optimizer's iteration count.
    const iterations = root.dataset("optimizer/vars/0");
    assert.deepEqual(iterations.shape, []);
    assert.ok(iterations.read().length === 1);
  });

  it("says what is missing and where", () => {
    assert.equal(root.has("layers/lstm/cell"), true);
    assert.equal(root.has("layers/nope"), false);
    assert.throws(
      () => root.get("layers/lstm/nope"),
      /group \/layers\/lstm has no member "nope" \(it has "cell", "vars"\)/,
    );
    assert.throws(() => root.get("layers/dense/vars/0/x"), /is a dataset; cannot look up "x"/);
    assert.throws(
      () => root.dataset("layers/dense"),
      /expected a dataset at \/layers\/dense; found a group/,
    );
    assert.throws(() => root.group("layers/dense/vars/1"), /expected a group .* found a dataset/);
  });

  it("refuses a file without the HDF5 signature", () => {
    const bad = bytes.slice();
    bad[1] = 0x58;
    assert.throws(
      () => readHdf5(bad, "bad.h5"),
      (e: Error) => {
        assert.ok(e instanceof StrataError);
        assert.match(e.message, /bad\.h5: not an HDF5 file: expected the signature/);
        return true;
      },
    );
    assert.throws(() => readHdf5(new Uint8Array(0)), StrataError);
    assert.throws(() => readHdf5(new TextEncoder().encode("plain text, not HDF5")), StrataError);
  });

  /** Opens the file and reads everything in it; a StrataError is the only allowed failure. */
  const readAll = (data: Uint8Array): void => {
    for (const ds of datasets(readHdf5(data, "corrupt.h5")).values()) ds.read();
  };

  it("rejects every truncation of the file with a StrataError", () => {
    let failures = 0;
    for (let cut = 0; cut < bytes.length; cut += 397) {
      try {
        readAll(bytes.subarray(0, cut));
      } catch (e) {
        assert.ok(e instanceof StrataError, `cut at ${cut}: ${String(e)}`);
        failures++;
      }
    }
    assert.ok(failures > 0);
    assert.throws(() => readAll(bytes.subarray(0, bytes.length - 100)), /truncated\?/);
  });

  it("survives corrupted bytes: a StrataError or a clean read, never a hang or a RangeError", () => {
    let seed = 12345;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let trial = 0; trial < 1000; trial++) {
      const bad = bytes.slice();
      // Damage the metadata (the first 3 KiB hold the superblock, headers, B-trees and heaps).
      for (let k = 0; k < 4; k++) bad[next() % 3072] = next() % 256;
      try {
        readAll(bad);
      } catch (e) {
        assert.ok(e instanceof StrataError, `trial ${trial}: ${(e as Error).stack}`);
      }
    }
  });
});

describe(
  "HDF5 reader: the Keras 3.16 fixtures",
  { skip: haveFixtures ? false : `no fixtures at ${FIXTURES}` },
  () => {
    it("mlp: Dense(64) on 784 inputs, then Dense(10)", () => {
      const root = readHdf5(weightsInKeras(`${FIXTURES}/mlp.keras`));
      assert.deepEqual(root.group("layers").keys(), ["dense", "dense_1", "dropout"]);
      assert.deepEqual(root.dataset("layers/dense/vars/0").shape, [784, 64]);
      assert.deepEqual(root.dataset("layers/dense/vars/1").shape, [64]);
      assert.deepEqual(root.dataset("layers/dense_1/vars/0").shape, [64, 10]);
      // Trained one epoch with RMSprop: the optimizer state is saved too.
      assert.ok(root.group("optimizer/vars").keys().length > 1);
    });

    it("attn: MultiHeadAttention's EinsumDense kernels", () => {
      const mha = readHdf5(weightsInKeras(`${FIXTURES}/attn.keras`)).group(
        "layers/multi_head_attention",
      );
      assert.deepEqual(mha.dataset("query_dense/vars/0").shape, [8, 2, 4]);
      assert.deepEqual(mha.dataset("query_dense/vars/1").shape, [2, 4]);
      assert.deepEqual(mha.dataset("output_dense/vars/0").shape, [2, 4, 8]);
    });

    for (const name of NAMES) {
      it(`${name}: .keras, .weights.h5 and the legacy .h5 hold the same tensors`, () => {
        const inKeras = readHdf5(weightsInKeras(`${FIXTURES}/${name}.keras`));
        const saved = readHdf5(readFileSync(`${FIXTURES}/${name}.weights.h5`));
        const legacy = readHdf5(readFileSync(`${FIXTURES}/${name}.legacy.h5`));
        // model.weights.h5 and save_weights write the same layout and values.
        const a = datasets(inKeras.group("layers"));
        const b = datasets(saved.group("layers"));
        assert.deepEqual([...b.keys()], [...a.keys()]);
        for (const [path, ds] of a) {
          assert.deepEqual(b.get(path)!.shape, ds.shape, path);
          assert.deepEqual(b.get(path)!.read(), ds.read(), path);
        }
        // The legacy format names weights by layer and variable name (model_weights/dense_4/
        // dense_4/kernel); the tensors are the same ones.
        const c = datasets(legacy.group("model_weights"));
        const sorted = (m: Map<string, Hdf5Dataset>): string[] =>
          [...m.values()].map(fingerprint).sort();
        assert.ok(a.size > 0);
        assert.deepEqual(sorted(c), sorted(a));
      });
    }
  },
);
