import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { StrataError } from "../../src/errors.js";
import { PickledArray, unpickle } from "../../src/io/pickle.js";
import { readTar } from "../../src/io/tar.js";
import { ZipReader, crc32 } from "../../src/io/zip.js";

const DIR = new URL("../fixtures/io/", import.meta.url);
const bytes = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, DIR)));

describe("zip", () => {
  it("lists and reads stored and deflated members", () => {
    for (const file of ["dtypes.npz", "dtypes_compressed.npz"]) {
      const zip = new ZipReader(bytes(file), file);
      assert.ok(zip.names().includes("u1.npy"));
      assert.equal(zip.entries[0]!.method, file === "dtypes.npz" ? 0 : 8);
      const member = zip.read("u1.npy");
      assert.deepEqual(Array.from(member.subarray(0, 6)), [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
      assert.equal(member.length, zip.entries.find((e) => e.name === "u1.npy")!.size);
    }
  });

  it("crc32 matches the standard check value", () => {
    assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
  });

  it("detects a corrupt member through its CRC-32", () => {
    const data = bytes("dtypes.npz"); // stored: member bytes appear verbatim
    const zip = new ZipReader(data, "d.npz");
    const entry = zip.entries.find((e) => e.name === "f8_le.npy")!;
    const at = entry.localOffset + 30 + "f8_le.npy".length + 100;
    data[at] = data[at]! ^ 0xff;
    assert.throws(
      () => new ZipReader(data, "d.npz").read("f8_le.npy"),
      /d\.npz: member "f8_le\.npy" is corrupt: CRC-32/,
    );
  });

  it("errors: not a zip, missing member, unsupported method", () => {
    assert.throws(
      () => new ZipReader(new Uint8Array(100), "x.zip"),
      (err: Error) => {
        assert.ok(err instanceof StrataError);
        assert.match(err.message, /x\.zip: not a zip archive/);
        return true;
      },
    );
    const zip = new ZipReader(bytes("dtypes.npz"), "d.npz");
    assert.throws(
      () => zip.read("nope.npy"),
      /no member named "nope\.npy"; the archive holds: u1\.npy, i1\.npy/,
    );
    // Patch the method in the first local header and central entry to 12 (bzip2).
    const data = bytes("dtypes.npz");
    const view = new DataView(data.buffer);
    for (let i = 0; i + 4 <= data.length; i++) {
      if (view.getUint32(i, true) === 0x02014b50) {
        view.setUint16(i + 10, 12, true);
        break;
      }
    }
    assert.throws(() => new ZipReader(data, "d.npz").read("u1.npy"), /compression method 12/);
  });
});

describe("tar", () => {
  const longName = (
    JSON.parse(readFileSync(new URL("tars.json", DIR), "utf8")) as { long_name: string }
  ).long_name;
  const prefixed = `prefix_dir_${"x".repeat(90)}/name_in_prefix.txt`;
  const big = Uint8Array.from({ length: 768 }, (_, i) => i % 256);
  for (const [file, lastName] of [
    ["longnames_gnu.tar", longName],
    ["longnames_pax.tar", longName],
    ["ustar.tar", "dir/big.bin"],
  ] as const) {
    it(`${file}: regular files only, with full names`, () => {
      const entries = readTar(bytes(file), file);
      assert.deepEqual(
        entries.map((e) => e.name),
        ["dir/small.txt", "dir/empty", prefixed, lastName],
      );
      assert.equal(Buffer.from(entries[0]!.data).toString(), "hello");
      assert.equal(entries[1]!.data.length, 0);
      assert.equal(Buffer.from(entries[2]!.data).toString(), "prefixed");
      assert.deepEqual(entries[3]!.data, big);
    });
  }

  it("rejects a corrupt header and a truncated archive", () => {
    const data = bytes("ustar.tar");
    data[512 + 5] = data[512 + 5]! ^ 0x01; // a name byte of the second header
    assert.throws(
      () => readTar(data, "t.tar"),
      /t\.tar: corrupt tar header at byte 512 \(checksum mismatch\)/,
    );
    const whole = bytes("ustar.tar");
    assert.throws(
      () => readTar(whole.subarray(0, 512 * 3 + 100), "t.tar"),
      /truncated tar archive/,
    );
    assert.throws(
      () => readTar(whole.subarray(0, 512 * 2 + 3), "t.tar"),
      /an entry runs past the end/,
    );
  });
});

/** The JSON form the fixture script writes for a Python value. */
function toJson(v: unknown): unknown {
  if (typeof v === "bigint") return { int: v.toString() };
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString("hex") };
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Map) return { dict: [...v].map(([k, x]) => [String(k), toJson(x)]) };
  return v;
}

describe("pickle", () => {
  const { expected, cases } = JSON.parse(readFileSync(new URL("pickles.json", DIR), "utf8")) as {
    expected: unknown;
    cases: { protocol: number; hex: string }[];
  };
  for (const { protocol, hex } of cases) {
    it(`reads Python's own pickles, protocol ${protocol}`, () => {
      const value = unpickle(new Uint8Array(Buffer.from(hex, "hex")), `p${protocol}`);
      assert.deepEqual(toJson(value), expected);
    });
  }

  it("memoised objects come back shared", () => {
    const value = unpickle(new Uint8Array(Buffer.from(cases[4]!.hex, "hex"))) as Map<
      string,
      unknown[]
    >;
    const list = value.get("key")!;
    assert.equal(list[23], list[24]);
  });

  it("rebuilds NumPy arrays only", () => {
    const arr = unpickle(bytes("objects_p4.npy").subarray(128));
    assert.ok(arr instanceof PickledArray);
    assert.equal(arr.descr, "|O");
  });

  it("errors: unknown opcode, truncation, forbidden global, underflow", () => {
    assert.throws(
      () => unpickle(Uint8Array.of(0x80, 0x02, 0xff), "p"),
      /p: unsupported pickle opcode 0xff at byte 2/,
    );
    assert.throws(
      () => unpickle(Uint8Array.of(0x80, 0x02, 0x4a, 0x01), "p"),
      /p: truncated pickle data/,
    );
    const evil = new TextEncoder().encode("cos\nsystem\n(S'echo hi'\ntR.");
    assert.throws(() => unpickle(evil, "p"), /refusing to load the global "os\.system"/);
    assert.throws(() => unpickle(Uint8Array.of(0x2e), "p"), /stack underflow/);
  });
});
