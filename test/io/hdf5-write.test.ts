// The HDF5 writer: read back by Strata's reader and, when h5py is installed, by libhdf5 itself.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { StrataError } from "../../src/errors.js";
import { Hdf5WriteGroup, encodeHdf5 } from "../../src/io/hdf5-write.js";
import { readHdf5 } from "../../src/io/hdf5.js";
import { encodeZip } from "../../src/io/zip-write.js";
import { ZipReader } from "../../src/io/zip.js";
import { h5pyDump, skipWithoutH5py } from "./h5py.js";
import { inTempDir } from "../keras-fixtures.js";

/** Nested groups, every dtype, a scalar, an empty dataset and a 300-member group. */
function sampleTree(): Hdf5WriteGroup {
  const root = new Hdf5WriteGroup();
  root.dataset("a/b/x", Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
  root.dataset("a/step", Int32Array.of(-7), []);
  root.dataset("d", Float64Array.of(1.5, -2, 1e-300), [3]);
  root.dataset("e", new Float32Array(0), [0, 3]);
  root.dataset("n", Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8), [2, 2, 1, 2]);
  root.group("empty");
  // 300 members: 38 symbol-table nodes under a two-level B-tree.
  for (let i = 0; i < 300; i++) root.dataset(`big/v${i}`, Int32Array.of(i, 1000 - i), [2]);
  return root;
}

describe("HDF5 writer", () => {
  it("round-trips through Strata's reader: groups, dtypes, shapes, values", () => {
    const root = readHdf5(encodeHdf5(sampleTree()), "t.h5");
    assert.deepEqual(root.keys().sort(), ["a", "big", "d", "e", "empty", "n"]);
    const x = root.dataset("a/b/x");
    assert.equal(x.dtype, "float32");
    assert.deepEqual(x.shape, [2, 3]);
    assert.deepEqual([...(x.read() as Float32Array)], [1, 2, 3, 4, 5, 6]);
    const step = root.dataset("a/step");
    assert.equal(step.dtype, "int32");
    assert.deepEqual(step.shape, []);
    assert.deepEqual([...(step.read() as Int32Array)], [-7]);
    assert.equal(root.dataset("d").dtype, "float64");
    assert.deepEqual([...(root.dataset("d").read() as Float64Array)], [1.5, -2, 1e-300]);
    assert.deepEqual(root.dataset("e").shape, [0, 3]);
    assert.equal(root.dataset("e").read().length, 0);
    assert.deepEqual(root.group("empty").keys(), []);
    const big = root.group("big");
    assert.equal(big.keys().length, 300);
    for (let i = 0; i < 300; i += 37) {
      assert.deepEqual([...(big.dataset(`v${i}`).read() as Int32Array)], [i, 1000 - i]);
    }
  });

  it("writes the same bytes for the same tree (no timestamps)", () => {
    assert.deepEqual(encodeHdf5(sampleTree()), encodeHdf5(sampleTree()));
  });

  it("refuses bad input, saying what was expected, what was received and where", () => {
    const g = new Hdf5WriteGroup();
    assert.throws(() => g.dataset("w", Float32Array.of(1, 2, 3), [2, 2]), {
      name: "StrataError",
      message: /dataset "\/w" of shape \[2,2\] needs 4 values; received 3/,
    });
    assert.throws(() => g.dataset("w", [1] as never, [1]), {
      message:
        /dataset "\/w" needs a Float32Array, Float64Array or an integer typed array .*; received Array/,
    });
    assert.throws(() => g.dataset("w", Float32Array.of(1), [-1]), {
      message: /expected a shape of non-negative integers; received \[-1\]/,
    });
    g.dataset("a/b", Float32Array.of(1), [1]);
    assert.throws(() => g.dataset("a/b", Float32Array.of(1), [1]), /"\/a\/b" already exists/);
    assert.throws(() => g.group("a/b/c"), {
      message: /expected "\/a\/b" to be a group; it is already a dataset/,
    });
    assert.throws(() => g.dataset("x\0y", Float32Array.of(1), [1]), StrataError);
  });

  it(
    "is read by libhdf5 (h5py): the same groups, shapes, dtypes and values",
    { skip: skipWithoutH5py },
    async () => {
      await inTempDir(async (dir) => {
        const path = join(dir, "t.h5");
        await writeFile(path, encodeHdf5(sampleTree()));
        const seen = h5pyDump(path);
        assert.deepEqual(seen["a/b/x"], {
          kind: "dataset",
          shape: [2, 3],
          dtype: "float32",
          values: [1, 2, 3, 4, 5, 6],
        });
        assert.deepEqual(seen["a/step"], {
          kind: "dataset",
          shape: [],
          dtype: "int32",
          values: [-7],
        });
        assert.deepEqual(seen.d, {
          kind: "dataset",
          shape: [3],
          dtype: "float64",
          values: [1.5, -2, 1e-300],
        });
        assert.deepEqual(seen.e, { kind: "dataset", shape: [0, 3], dtype: "float32", values: [] });
        const n = seen.n as { values: number[]; shape: number[] };
        assert.deepEqual(n.shape, [2, 2, 1, 2]);
        assert.deepEqual(n.values, [...Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)]);
        assert.deepEqual(seen.empty, { kind: "group" });
        const bigNames = Object.keys(seen).filter((k) => k.startsWith("big/"));
        assert.equal(bigNames.length, 300);
        for (let i = 0; i < 300; i++) {
          assert.deepEqual(seen[`big/v${i}`], {
            kind: "dataset",
            shape: [2],
            dtype: "int32",
            values: [i, 1000 - i],
          });
        }
        assert.deepEqual(
          Object.keys(seen).sort(),
          ["a", "a/b", "a/b/x", "a/step", "big", ...bigNames, "d", "e", "empty", "n"].sort(),
        );
      });
    },
  );
});

/** One dataset of each integer width, signed and not, at its extremes. */
function integerTree(): Hdf5WriteGroup {
  const root = new Hdf5WriteGroup();
  root.dataset("i8", Int8Array.of(-128, 0, 127), [3]);
  root.dataset("i16", Int16Array.of(-32768, 1, 32767), [3]);
  root.dataset("i64", BigInt64Array.of(-(2n ** 63n), 5n, 2n ** 53n + 1n), [3]);
  root.dataset("u8", Uint8Array.of(0, 200, 255), [3]);
  root.dataset("u8c", Uint8ClampedArray.of(1, 2, 3), [3]);
  root.dataset("u16", Uint16Array.of(0, 65535, 7), [3]);
  root.dataset("u32", Uint32Array.of(0, 4294967295, 7), [3]);
  root.dataset("u64", BigUint64Array.of(0n, 2n ** 64n - 1n, 7n), [3]);
  root.dataset("step", BigInt64Array.of(42n), []);
  return root;
}

describe("HDF5 writer: integer widths", () => {
  it("writes 8- to 64-bit integers, signed and unsigned, that read back with their dtypes", () => {
    const root = readHdf5(encodeHdf5(integerTree()), "ints.h5");
    const expect: [string, string, unknown[]][] = [
      ["i8", "int8", [-128, 0, 127]],
      ["i16", "int16", [-32768, 1, 32767]],
      ["i64", "int64", [-(2n ** 63n), 5n, 2n ** 53n + 1n]],
      ["u8", "uint8", [0, 200, 255]],
      ["u8c", "uint8", [1, 2, 3]],
      ["u16", "uint16", [0, 65535, 7]],
      ["u32", "uint32", [0, 4294967295, 7]],
      ["u64", "uint64", [0n, 2n ** 64n - 1n, 7n]],
      ["step", "int64", [42n]],
    ];
    for (const [name, dtype, values] of expect) {
      const ds = root.dataset(name);
      assert.equal(ds.dtype, dtype, name);
      assert.deepEqual(Array.from(ds.read() as ArrayLike<unknown>), values, name);
    }
  });

  it("is read by libhdf5 (h5py) with the same dtypes", { skip: skipWithoutH5py }, async () => {
    await inTempDir(async (dir) => {
      const path = join(dir, "ints.h5");
      await writeFile(path, encodeHdf5(integerTree()));
      const seen = h5pyDump(path);
      const dtypes = Object.fromEntries(
        Object.entries(seen).map(([k, v]) => [k, v.kind === "dataset" ? v.dtype : v.kind]),
      );
      assert.deepEqual(dtypes, {
        i8: "int8",
        i16: "int16",
        i64: "int64",
        u8: "uint8",
        u8c: "uint8",
        u16: "uint16",
        u32: "uint32",
        u64: "uint64",
        step: "int64",
      });
      assert.deepEqual((seen.u32 as { values: number[] }).values, [0, 4294967295, 7]);
      assert.deepEqual((seen.i16 as { values: number[] }).values, [-32768, 1, 32767]);
    });
  });
});

describe("zip writer", () => {
  it("writes stored members that ZipReader reads back, CRC-checked, in order", () => {
    const bytes = encodeZip([
      ["metadata.json", new TextEncoder().encode('{"a":1}')],
      ["model.weights.h5", Uint8Array.of(1, 2, 3)],
      ["empty", new Uint8Array(0)],
      ["naïve.txt", Uint8Array.of(9)],
    ]);
    const zip = new ZipReader(bytes, "t.zip");
    assert.deepEqual(zip.names(), ["metadata.json", "model.weights.h5", "empty", "naïve.txt"]);
    assert.equal(new TextDecoder().decode(zip.read("metadata.json")), '{"a":1}');
    assert.deepEqual([...zip.read("model.weights.h5")], [1, 2, 3]);
    assert.equal(zip.read("empty").length, 0);
    assert.deepEqual([...zip.read("naïve.txt")], [9]);
    assert.ok(zip.entries.every((e) => e.method === 0));
  });
});
