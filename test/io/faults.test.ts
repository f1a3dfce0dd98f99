// Regression cases for what the file fuzzer (test/io/fuzz.test.ts, bench/fuzz.ts) found: each
// corrupt input, built by hand, must be refused with a StrataError naming the file — not a
// SyntaxError, RangeError or TypeError, not a loop, not an allocation the file cannot justify.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as zlib from "node:zlib";
import * as st from "../../src/index.js";
import { StrataError } from "../../src/errors.js";
import { Hdf5Dataset } from "../../src/io/hdf5.js";
import { Hdf5Bytes } from "../../src/io/hdf5-bytes.js";
import { readDatatype } from "../../src/io/hdf5-object.js";
import { fromPickled } from "../../src/io/npy.js";
import { PickledArray, unpickle } from "../../src/io/pickle.js";
import { readRecords } from "../../src/io/record-file.js";
import { readTar } from "../../src/io/tar.js";
import { ZipReader } from "../../src/io/zip.js";
import { encodeZip } from "../../src/io/zip-write.js";
import { inTempDir } from "../keras-fixtures.js";

const latin1 = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

/** Asserts that `fn` throws a StrataError whose message names `where` and matches `pattern`. */
function refuses(fn: () => unknown, where: string, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StrataError, `expected a StrataError; got ${String(err)}`);
    assert.ok(err.message.includes(where), `"${err.message}" should name ${where}`);
    assert.match(err.message, pattern);
    return true;
  });
}

async function refusesAsync(fn: () => Promise<unknown>, where: string, pattern: RegExp) {
  await assert.rejects(fn, (err: unknown) => {
    assert.ok(err instanceof StrataError, `expected a StrataError; got ${String(err)}`);
    assert.ok(err.message.includes(where), `"${err.message}" should name ${where}`);
    assert.match(err.message, pattern);
    return true;
  });
}

describe("pickle under faults", () => {
  it("refuses a text INT or LONG that is not an integer (was a SyntaxError from BigInt)", () => {
    refuses(() => unpickle(latin1("I12x\n."), "p.pkl"), "p.pkl", /bad integer literal "12x"/);
    refuses(() => unpickle(latin1("L1 2L\n."), "p.pkl"), "p.pkl", /bad integer literal/);
    // Python's int() accepts these, and so does the reader.
    assert.equal(unpickle(latin1("I 42\n."), "p.pkl"), 42);
    assert.equal(unpickle(latin1("L-1_000L\n."), "p.pkl"), -1000);
    assert.equal(unpickle(latin1("I-0x10\n."), "p.pkl"), -16); // int(…, 0) takes prefixes
  });

  it("refuses a negative BINSTRING length (it moved the reader backwards, forever)", () => {
    const bytes = new Uint8Array([0x54, 0xfb, 0xff, 0xff, 0xff, 0x2e]); // T, int32 -5, STOP
    refuses(() => unpickle(bytes, "neg.pkl"), "neg.pkl", /negative length -5/);
  });

  it("refuses a UNICODE escape beyond U+10FFFF (was a RangeError)", () => {
    refuses(() => unpickle(latin1("V\\U00110000\n."), "u.pkl"), "u.pkl", /beyond U\+10FFFF/);
    assert.equal(unpickle(latin1("V\\U0001F600\n."), "u.pkl"), "\u{1F600}");
  });

  it("refuses an object array that holds itself (was endless recursion)", () => {
    const a = new PickledArray();
    a.shape = [1];
    a.descr = "|O";
    a.data = [a];
    refuses(() => fromPickled(a, {}, "self.npy"), "self.npy", /contains itself/);
  });
});

describe("zip under faults", () => {
  it("inflates no more than the directory's size (a member that expands a thousandfold)", () => {
    const deflated = zlib.deflateRawSync(new Uint8Array(1 << 20));
    const bytes = encodeZip([["bomb.npy", new Uint8Array(deflated)]]);
    // Mark the member deflated (local header +8, central header +10): its stated size is the
    // compressed length, about a thousandth of what the data inflates to.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setUint16(8, 8, true);
    const central = new ZipReader(bytes, "b.zip").entries[0]!;
    const cd = bytes.length - 22 - (46 + "bomb.npy".length);
    view.setUint16(cd + 10, 8, true);
    assert.equal(central.size, deflated.length);
    refuses(() => new ZipReader(bytes, "b.zip").read("bomb.npy"), "b.zip", /could not be inflated/);
  });
});

describe("tar under faults", () => {
  it("refuses a header whose size field is not a number (was read as an empty archive)", () => {
    const header = new Uint8Array(512);
    header.set(latin1("file.bin"), 0);
    header.set(latin1("zzzzzzzzzzz\0"), 124); // the size field
    header[156] = 0x30;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
    header.set(latin1(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
    const bytes = new Uint8Array(512 * 4);
    bytes.set(header);
    refuses(() => readTar(bytes, "t.tar"), "t.tar", /bad size field/);
  });
});

describe("HDF5 under faults", () => {
  it("refuses a fixed-length string type of 0 bytes (any count of them fits in 0 bytes)", () => {
    const b = new Hdf5Bytes(new Uint8Array([0x13, 0, 0, 0, 0, 0, 0, 0]), "s.h5");
    refuses(() => readDatatype(b, { type: 3, at: 0, size: 8 }, "dataset /x"), "s.h5", /0 bytes/);
  });

  it("refuses a never-written dataset of 4 TiB rather than allocating it", () => {
    const bytes = new Uint8Array(64);
    const view = new DataView(bytes.buffer);
    bytes.set([1, 1], 0); // dataspace version 1, rank 1
    view.setBigUint64(8, 1n << 40n, true); // 2^40 elements
    bytes.set([0x11, 0x20, 0x3f, 0], 16); // float, version 1, little-endian
    view.setUint32(20, 4, true); // 4 bytes each
    bytes.set([3, 1], 40); // layout version 3, contiguous
    bytes.fill(0xff, 42, 50); // address undefined: never written
    view.setBigUint64(50, 1n << 42n, true);
    const b = new Hdf5Bytes(bytes, "big.h5");
    const ds = new Hdf5Dataset(b, "/x", [
      { type: 1, at: 0, size: 16 },
      { type: 3, at: 16, size: 8 },
      { type: 8, at: 40, size: 18 },
    ]);
    assert.deepEqual(ds.shape, [2 ** 40]);
    refuses(() => ds.read(), "big.h5", /never-written data/);
  });
});

describe("dataset cache files under faults", () => {
  const MAGIC = "STRATA-RECORDS-1\n";
  const record = (header: string, lengthField?: number): Uint8Array => {
    const text = latin1(header);
    const out = new Uint8Array(4 + text.length);
    new DataView(out.buffer).setUint32(0, lengthField ?? text.length, true);
    out.set(text, 4);
    return out;
  };
  const file = (dir: string, body: Uint8Array): string => {
    const path = join(dir, "c.records");
    writeFileSync(path, Buffer.concat([latin1(MAGIC), body]));
    return path;
  };
  const drain = async (path: string) => {
    for await (const r of readRecords(path)) void r;
  };

  it("refuses a header that is not JSON (was a SyntaxError)", async () => {
    await inTempDir(async (dir) => {
      const path = file(dir, record('{"components": [}'));
      await refusesAsync(() => drain(path), path, /not JSON/);
    });
  });

  it("checks a header length against the file before allocating it (was 4 GiB)", async () => {
    await inTempDir(async (dir) => {
      const path = file(dir, record("{}", 0xffffffff));
      await refusesAsync(() => drain(path), path, /truncated: a record needs 4294967295 bytes/);
    });
  });

  it("checks a component's size against the file before allocating it", async () => {
    await inTempDir(async (dir) => {
      const header =
        '{"structure":null,"components":[{"dtype":"float32","shape":[100000,100000]}]}';
      const path = file(dir, record(header));
      await refusesAsync(() => drain(path), path, /truncated: a record needs 40000000000 bytes/);
      const bad = file(
        dir,
        record('{"structure":null,"components":[{"dtype":"int32","shape":[-1]}]}'),
      );
      await refusesAsync(() => drain(bad), bad, /component of shape \[-1\]/);
    });
  });
});

describe("model files under faults", () => {
  interface LayerEntry {
    name: string;
    class_name: string;
    inbound_nodes: unknown[];
  }
  /**
   * A small functional model saved as `.keras`, the entry of its layer "out" in config.json
   * changed by `edit`, re-zipped.
   */
  async function editedKeras(dir: string, edit: (out: LayerEntry) => void): Promise<string> {
    const input = st.Input({ shape: [4], name: "in" });
    const model = new st.Model(input, new st.layers.Dense(2, { name: "out" }).apply(input));
    const path = join(dir, "m.keras");
    await model.save(path);
    const zip = new ZipReader(new Uint8Array(readFileSync(path)), path);
    const config = JSON.parse(new TextDecoder().decode(zip.read("config.json"))) as {
      config: { layers: LayerEntry[] };
    };
    edit(config.config.layers.find((l) => l.name === "out")!);
    const members = zip
      .names()
      .map((name): [string, Uint8Array] => [
        name,
        name === "config.json" ? new TextEncoder().encode(JSON.stringify(config)) : zip.read(name),
      ]);
    writeFileSync(path, encodeZip(members));
    return path;
  }

  it("refuses a call whose input tensor has no keras_history (was a TypeError)", async () => {
    await inTempDir(async (dir) => {
      const path = await editedKeras(dir, (out) => {
        (out.inbound_nodes[0] as { args: unknown[] }).args[0] = { class_name: "__keras_tensor__" };
      });
      await refusesAsync(
        () => st.models.loadModel(path),
        path,
        /expected a tensor as \[layer name/,
      );
      const keras2 = await editedKeras(dir, (out) => {
        out.inbound_nodes = [[7]]; // Keras 2's list form, with an entry that is not a list
      });
      await refusesAsync(() => st.models.loadModel(keras2), keras2, /received 7/);
    });
  });

  it("refuses a call whose inputs are not tensors of the graph (was a TypeError in the layer)", async () => {
    await inTempDir(async (dir) => {
      const none = await editedKeras(dir, (out) => {
        (out.inbound_nodes[0] as { args: unknown[] }).args = [];
      });
      await refusesAsync(
        () => st.models.loadModel(none),
        none,
        /tensors of the graph; received none/,
      );
      const number = await editedKeras(dir, (out) => {
        (out.inbound_nodes[0] as { args: unknown[] }).args = [5];
      });
      await refusesAsync(() => st.models.loadModel(number), number, /received 5$/);
    });
  });

  it("refuses weight shapes no typed array can hold before allocating them (was a RangeError)", () => {
    class Weighted extends st.layers.Layer {
      constructor(readonly dims: number[]) {
        super({ name: "weighted" });
      }
      override build(): void {
        this.addWeight({ name: "w", shape: this.dims });
      }
      call(x: st.Tensor): st.Tensor {
        return x;
      }
    }
    const x = st.zeros([1, 2]);
    for (const dims of [[-15, 3], [50, 2 ** 53], [2 ** 16, 2 ** 16], [1.5]]) {
      assert.throws(
        () => new Weighted(dims).apply(x),
        (err: unknown) =>
          err instanceof st.ValueError &&
          /weight "w": expected a shape of non-negative/.test(err.message),
      );
    }
    assert.deepEqual(new Weighted([0, 3]).apply(x).shape, [1, 2]); // empty weights are fine
  });

  it("names the file in errors raised while building the model from its config", async () => {
    await inTempDir(async (dir) => {
      const path = await editedKeras(dir, (out) => {
        out.class_name = "Den{e";
      });
      await refusesAsync(() => st.models.loadModel(path), path, /unknown layer class "Den\{e"/);
    });
  });

  it("names the file when a weights file's shapes do not fit the model", async () => {
    await inTempDir(async (dir) => {
      const make = (units: number) => {
        const input = st.Input({ shape: [4] });
        return new st.Model(input, new st.layers.Dense(units).apply(input));
      };
      const path = join(dir, "w.weights.h5");
      await make(2).saveWeights(path);
      await refusesAsync(() => make(3).loadWeights(path), path, /expected shape \[4,3\]/);
    });
  });
});
