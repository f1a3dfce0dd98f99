import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { StrataError } from "../../src/errors.js";
import { readAttributes } from "../../src/io/hdf5-attribute.js";
import { Hdf5Bytes } from "../../src/io/hdf5-bytes.js";
import { readHdf5 } from "../../src/io/hdf5.js";
import { SHIPPED } from "../keras-fixtures.js";

// The shipped legacy fixture: Keras 3.16's `model.save("seq.h5")`, written by h5py, whose string
// attributes are all variable-length (global heap) strings.
const LEGACY = `${SHIPPED}/seq.legacy.h5`;
const legacyBytes = (): Uint8Array => new Uint8Array(readFileSync(LEGACY));

describe("HDF5 attributes: Keras's legacy .h5 (seq)", () => {
  const root = readHdf5(legacyBytes(), "seq.legacy.h5");

  it("reads scalar variable-length strings on the root", () => {
    const attrs = root.attrs();
    assert.deepEqual([...attrs.keys()].sort(), [
      "backend",
      "keras_version",
      "model_config",
      "training_config",
    ]);
    assert.equal(attrs.get("keras_version"), "3.16.0");
    assert.equal(attrs.get("backend"), "torch");
    const config = JSON.parse(attrs.get("model_config") as string) as { class_name: string };
    assert.equal(config.class_name, "Functional");
    const training = JSON.parse(attrs.get("training_config") as string) as { loss: string };
    assert.equal(training.loss, "binary_crossentropy");
  });

  it("reads string lists, and an empty list as an empty float64 array (as h5py saves [])", () => {
    const weights = root.group("model_weights");
    const names = weights.attrs().get("layer_names") as string[];
    assert.equal(names.length, 14);
    assert.deepEqual(names.slice(0, 3), ["input_layer_3", "embedding_2", "embedding"]);
    assert.deepEqual(weights.group("lstm").attrs().get("weight_names"), [
      "lstm/lstm_cell/kernel",
      "lstm/lstm_cell/recurrent_kernel",
      "lstm/lstm_cell/bias",
    ]);
    const empty = weights.group("input_layer_3").attrs().get("weight_names");
    assert.ok(empty instanceof Float64Array && empty.length === 0);
    // A dataset without attributes.
    assert.equal(weights.dataset("lstm/lstm/lstm_cell/kernel").attrs().size, 0);
  });

  it("refuses a bad global heap reference, naming the file", () => {
    const bytes = legacyBytes();
    // Find a string's heap reference (length, collection address, index) and point its index
    // at an object the collection does not have.
    const gcol = findAll(bytes, "GCOL")[0]!;
    const view = new DataView(bytes.buffer);
    let at = -1;
    for (let i = 4; i + 12 <= bytes.length; i++) {
      if (Number(view.getBigUint64(i, true)) === gcol && view.getUint32(i - 4, true) > 0) {
        at = i;
        break;
      }
    }
    assert.ok(at > 0, "found a global heap reference");
    view.setUint32(at + 8, 60000, true);
    const bad = readHdf5(bytes, "bad.h5");
    assert.throws(
      () => readAllAttributes(bad),
      (e: Error) =>
        e instanceof StrataError &&
        /^bad\.h5: .*bad global heap reference: the collection at byte \d+ has no object 60000/.test(
          e.message,
        ),
    );
  });

  it("refuses a global heap collection cut short or overrun, naming the file", () => {
    const bytes = legacyBytes();
    const gcol = findAll(bytes, "GCOL")[0]!;
    // The collection's size field (after signature, version and 3 reserved bytes): far too big.
    new DataView(bytes.buffer).setUint32(gcol + 8, 0x7fffffff, true);
    assert.throws(
      () => readAllAttributes(readHdf5(bytes, "big.h5")),
      (e: Error) =>
        e instanceof StrataError && /^big\.h5: .*global heap collection/.test(e.message),
    );
  });

  it("refuses a truncated file with a StrataError, never a RangeError", () => {
    const whole = legacyBytes();
    for (const keep of [100, 2000, 20000, Math.floor(whole.length / 2), whole.length - 100]) {
      assert.throws(
        () => readAllAttributes(readHdf5(whole.slice(0, keep), "cut.h5")),
        (e: Error) => e instanceof StrataError && /^cut\.h5: /.test(e.message),
        `kept ${keep} bytes`,
      );
    }
  });
});

/** Reads every attribute of every group below `group` (so that corruption anywhere shows). */
function readAllAttributes(group: ReturnType<typeof readHdf5>): void {
  group.attrs();
  for (const key of group.keys()) {
    const node = group.get(key);
    node.attrs();
    if (node.kind === "group") readAllAttributes(node);
  }
}

function findAll(bytes: Uint8Array, text: string): number[] {
  const sig = [...text].map((c) => c.charCodeAt(0));
  const out: number[] = [];
  for (let i = 0; i + sig.length <= bytes.length; i++) {
    if (sig.every((v, j) => bytes[i + j] === v)) out.push(i);
  }
  return out;
}

// ------------------------------------------------ hand-made attribute messages (numbers, text)

const u16 = (v: number): number[] => [v & 0xff, v >> 8];
const u32 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24];
const u64 = (v: number): number[] => [...u32(v), 0, 0, 0, 0];
const pad8 = (xs: number[]): number[] => [...xs, ...new Array((8 - (xs.length % 8)) % 8).fill(0)];
const cstr = (s: string): number[] => [...new TextEncoder().encode(s), 0];

/** A dataspace message (version 1) of the given dimensions ([] is a scalar). */
const space = (dims: number[]): number[] => [
  1,
  dims.length,
  0,
  0,
  0,
  0,
  0,
  0,
  ...dims.flatMap(u64),
];
const INT32 = [0x10, 0x08, 0, 0, ...u32(4), ...u16(0), ...u16(32)];
const FLOAT64 = [0x11, 0x20, 63, 0, ...u32(8), ...u16(0), ...u16(64), 52, 11, 0, 52, ...u32(1023)];
const fixedString = (size: number): number[] => [0x13, 0, 0, 0, ...u32(size)];

/** An attribute message body: version 1 pads each part to 8 bytes, version 3 adds a charset. */
function attribute(version: 1 | 3, name: string, type: number[], dims: number[], data: number[]) {
  const n = cstr(name);
  const s = space(dims);
  const head = [version, 0, ...u16(n.length), ...u16(type.length), ...u16(s.length)];
  if (version === 1) return [...head, ...pad8(n), ...pad8(type), ...pad8(s), ...data];
  return [...head, 0, ...n, ...type, ...s, ...data];
}

function readMessages(bodies: number[][]) {
  const bytes = new Uint8Array(bodies.flat());
  let at = 0;
  const messages = bodies.map((body) => {
    const m = { type: 0x000c, at, size: body.length };
    at += body.length;
    return m;
  });
  return readAttributes(new Hdf5Bytes(bytes, "made.h5"), messages, "/");
}

describe("HDF5 attributes: numeric and fixed-length string values", () => {
  it("reads scalars as numbers, arrays as typed arrays, fixed strings as strings", () => {
    const f64 = new Uint8Array(new Float64Array([0.5, -2.25]).buffer);
    const attrs = readMessages([
      attribute(1, "epoch", INT32, [], u32(7)),
      attribute(3, "rates", FLOAT64, [2], [...f64]),
      attribute(1, "ids", INT32, [3], [...u32(1), ...u32(2), ...u32(0xfffffffd)]),
      attribute(3, "tag", fixedString(4), [], [...cstr("abc")]),
      attribute(1, "pair", fixedString(3), [2], [...cstr("xy"), 0x7a, 0x7a, 0x7a]),
    ]);
    assert.equal(attrs.get("epoch"), 7);
    assert.deepEqual(attrs.get("rates"), new Float64Array([0.5, -2.25]));
    assert.deepEqual(attrs.get("ids"), new Int32Array([1, 2, -3]));
    assert.equal(attrs.get("tag"), "abc");
    assert.deepEqual(attrs.get("pair"), ["xy", "zzz"]);
  });

  it("refuses data that overruns its message, and unknown versions", () => {
    const short = attribute(1, "ids", INT32, [3], u32(1));
    assert.throws(
      () => readMessages([short]),
      (e: Error) =>
        e instanceof StrataError && /made\.h5: .*"ids".*overrun the message/.test(e.message),
    );
    const v9 = attribute(1, "x", INT32, [], u32(1));
    v9[0] = 9;
    assert.throws(() => readMessages([v9]), /unsupported attribute message version 9/);
  });
});
