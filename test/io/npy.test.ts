import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { StrataError } from "../../src/errors.js";
import { loadNpy, loadNpz, npyToTensor } from "../../src/data/npy.js";
import { parseNpy, parseNpz, readNpyHeader } from "../../src/io/npy.js";

const DIR = new URL("../fixtures/io/", import.meta.url);
const bytes = (name: string): Uint8Array => readFileSync(new URL(name, DIR));
const expected = JSON.parse(readFileSync(new URL("dtypes.json", DIR), "utf8")) as Record<
  string,
  { descr: string; shape: number[]; values: (number | string)[] }
>;
const seqs = (
  JSON.parse(readFileSync(new URL("objects.json", DIR), "utf8")) as { seqs: number[][] }
).seqs;

/** What each NumPy type becomes in Strata (the table in src/io/npy.ts). */
function strataType(descr: string, keep64: boolean): string {
  const kind = descr.slice(1);
  if (kind === "b1") return "Uint8Array";
  if (kind === "u1") return "Uint8ClampedArray";
  if (kind.startsWith("f")) return kind === "f8" && keep64 ? "Float64Array" : "Float32Array";
  return "Int32Array";
}

function num(v: number | string): number {
  return v === "inf" ? Infinity : v === "-inf" ? -Infinity : (v as number);
}

describe("npy: every supported dtype, both byte orders, stored and deflated npz", () => {
  for (const file of ["dtypes.npz", "dtypes_compressed.npz"]) {
    for (const keep64 of [false, true]) {
      it(`${file} keepFloat64=${keep64}`, () => {
        const arrays = parseNpz(bytes(file), { keepFloat64: keep64 }, file);
        assert.deepEqual([...arrays.keys()].sort(), Object.keys(expected).sort());
        for (const [name, exp] of Object.entries(expected)) {
          const arr = arrays.get(name)!;
          assert.equal(arr.descr, exp.descr, name);
          assert.deepEqual(arr.shape, exp.shape, name);
          assert.equal(arr.data.constructor.name, strataType(exp.descr, keep64), name);
          const want = exp.values.map(num);
          const got = Array.from(arr.data as ArrayLike<number>);
          assert.equal(got.length, want.length, name);
          got.forEach((g, i) => {
            // float32 results are compared with float32 rounding of the float64 reference.
            const w = arr.data instanceof Float32Array ? Math.fround(want[i]!) : want[i]!;
            assert.equal(g, w, `${name}[${i}]`);
          });
        }
      });
    }
  }

  it("npyToTensor keeps the shape and maps dtypes", () => {
    const arrays = parseNpz(bytes("dtypes.npz"));
    const t = npyToTensor(arrays.get("i4_le")!);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, "int32");
    assert.equal(npyToTensor(arrays.get("b1")!).dtype, "bool");
    assert.equal(npyToTensor(arrays.get("u1")!).dtype, "uint8");
    const scalar = npyToTensor(arrays.get("scalar")!);
    assert.deepEqual(scalar.shape, []);
    assert.equal(scalar.item(), 3.5);
    assert.deepEqual(npyToTensor(arrays.get("empty")!).shape, [0, 3]);
  });
});

describe("npy: format versions, header padding and layouts", () => {
  const grid = Array.from({ length: 24 }, (_, i) => i);
  for (const [file, version, offset] of [
    ["v2.npy", [2, 0], null],
    ["v3.npy", [3, 0], null],
    ["pad16.npy", [1, 0], 80], // NumPy 1.12's 16-byte padding (Keras's mnist.npz)
    ["fortran.npy", [1, 0], 128],
  ] as const) {
    it(`${file} → C-ordered [2,3,4]`, () => {
      const header = readNpyHeader(bytes(file), file);
      assert.deepEqual(header.version, version);
      if (offset !== null) assert.equal(header.dataOffset, offset);
      assert.equal(header.fortranOrder, file === "fortran.npy");
      const arr = parseNpy(bytes(file), {}, file);
      assert.deepEqual(arr.shape, [2, 3, 4]);
      assert.deepEqual(Array.from(arr.data as Int32Array), grid);
    });
  }

  it("loadNpy / loadNpz read files into tensors", async () => {
    const t = await loadNpy(new URL("fortran.npy", DIR).pathname);
    assert.deepEqual(t.shape, [2, 3, 4]);
    assert.deepEqual(Array.from(t.dataSync()), grid);
    const all = await loadNpz(new URL("dtypes.npz", DIR).pathname, { keepFloat64: true });
    assert.equal(all["f8_be"]!.dtype, "float64");
    assert.deepEqual(Array.from(all["f8_be"]!.dataSync()), [0.1, -2.0, 1e300]);
  });
});

describe("npy: object arrays (restricted unpickling)", () => {
  for (const file of [
    "objects_p4.npy", // NumPy 2 np.save: protocol 4, numpy._core, STACK_GLOBAL, FRAME, MEMOIZE
    "objects_py2.npy", // Python 2 style (Keras's imdb.npz): protocol 2, numpy.core, SHORT_BINSTRING
    "objects_py2_p0.npy", // protocol 0 text opcodes
    "objects_p2_py3.npy", // Python 3 at protocol 2: bytes as _codecs.encode
  ]) {
    it(file, () => {
      const arr = parseNpy(bytes(file), {}, file);
      assert.equal(arr.descr, "|O");
      assert.deepEqual(arr.shape, [4]);
      assert.deepEqual(arr.data, seqs);
    });
  }

  it("items that are arrays become NpyArrays; Fortran object arrays are reordered", () => {
    const nested = parseNpy(bytes("objects_nested.npy"));
    type Item = { descr: string; shape: number[]; data: Int32Array };
    const [a, b, c, d] = nested.data as [Item, Item, number[], Item];
    assert.equal(a.descr, "<i8");
    assert.deepEqual(Array.from(a.data), [1, 2, 3]);
    assert.deepEqual(Array.from(b.data), [0.5]);
    assert.deepEqual(c, [7]);
    // A Fortran-ordered numeric item: its pickled bytes are column-major, returned row-major.
    assert.deepEqual(d.shape, [2, 3]);
    assert.deepEqual(Array.from(d.data), [0, 1, 2, 3, 4, 5]);
    const grid = parseNpy(bytes("objects_fortran.npy"));
    assert.deepEqual(grid.shape, [2, 3]);
    assert.deepEqual(grid.data, [
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
  });

  it("refuses any global other than NumPy's array reconstruction", () => {
    assert.throws(
      () => parseNpy(bytes("evil.npy"), {}, "evil.npy"),
      (err: Error) => {
        assert.ok(err instanceof StrataError);
        assert.match(err.message, /evil\.npy: refusing to load the global "posix\.system"/);
        return true;
      },
    );
  });

  it("an object array cannot become a tensor", () => {
    assert.throws(() => npyToTensor(parseNpy(bytes("objects_p4.npy"))), /object \("\|O"\) array/);
  });
});

describe("npy: errors name the file and the problem", () => {
  it("int64 values beyond int32", () => {
    assert.throws(
      () => parseNpy(bytes("big_int64.npy"), {}, "big.npy"),
      /big\.npy: element 1 \(1099511627776\) of a "<i8" array does not fit in int32/,
    );
  });
  it("unsupported dtype", () => {
    assert.throws(
      () => parseNpy(bytes("complex.npy"), {}, "c.npy"),
      /c\.npy: unsupported dtype "<c16"/,
    );
  });
  it("bad magic, bad version, truncated data", () => {
    assert.throws(() => parseNpy(new Uint8Array(20), {}, "x.npy"), /x\.npy: not a \.npy file/);
    const v9 = bytes("v2.npy").slice();
    v9[6] = 9;
    assert.throws(() => parseNpy(v9, {}, "x.npy"), /unsupported \.npy format version 9\.0/);
    const full = bytes("pad16.npy");
    assert.throws(
      () => parseNpy(full.subarray(0, full.length - 4), {}, "x.npy"),
      /truncated data: shape \(2, 3, 4\) of "<i4" needs 96 bytes, found 92/,
    );
  });
  it("missing npz keys list what the archive holds", () => {
    assert.throws(
      () => parseNpz(bytes("dtypes.npz"), { keys: ["nope"] }, "d.npz"),
      /d\.npz: no array named "nope"; the archive holds: u1\.npy/,
    );
  });
  it("loadNpz of an object array explains itself", async () => {
    const dir = await mkdtemp(join(tmpdir(), "strata-npy-"));
    await writeFile(join(dir, "o.npy"), bytes("objects_p4.npy"));
    await assert.rejects(loadNpy(join(dir, "o.npy")), /cannot become a tensor/);
  });
});
