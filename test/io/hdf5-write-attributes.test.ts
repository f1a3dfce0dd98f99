// The HDF5 writer's string attributes (what Keras's legacy .h5 weight files list their layers and
// weights in), read back by Strata's reader, which reads h5py-written attributes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StrataError } from "../../src/errors.js";
import { Hdf5WriteGroup, encodeHdf5 } from "../../src/io/hdf5-write.js";
import { readHdf5 } from "../../src/io/hdf5.js";

describe("HDF5 writer: string attributes", () => {
  it("writes string lists, scalar strings, UTF-8 and empty lists on groups", () => {
    const root = new Hdf5WriteGroup();
    root.attr("layer_names", ["input_1", "block1_conv1", "dense"]);
    root.attr("backend", "tensorflow");
    root
      .group("block1_conv1")
      .attr("weight_names", ["block1_conv1/kernel:0", "block1_conv1/bias:0"]);
    root.dataset("block1_conv1/block1_conv1/kernel:0", Float32Array.of(1, 2, 3, 4), [2, 2]);
    root.group("input_1").attr("weight_names", []);
    root.group("dense").attr("note", ["café", ""]);
    const read = readHdf5(encodeHdf5(root), "attrs.h5");
    assert.deepEqual(read.attrs().get("layer_names"), ["input_1", "block1_conv1", "dense"]);
    assert.equal(read.attrs().get("backend"), "tensorflow");
    const conv = read.group("block1_conv1");
    assert.deepEqual(conv.attrs().get("weight_names"), [
      "block1_conv1/kernel:0",
      "block1_conv1/bias:0",
    ]);
    assert.deepEqual(
      [...(conv.dataset("block1_conv1/kernel:0").read() as Float32Array)],
      [1, 2, 3, 4],
    );
    const empty = read.group("input_1").attrs().get("weight_names");
    assert.ok(empty instanceof Float64Array && empty.length === 0);
    assert.deepEqual(read.group("dense").attrs().get("note"), ["café", ""]);
  });

  it("refuses an attribute too large for an object header message, naming it", () => {
    const root = new Hdf5WriteGroup();
    root.attr(
      "layer_names",
      Array.from({ length: 3000 }, (_, i) => `layer_with_a_long_name_${i}`),
    );
    assert.throws(
      () => encodeHdf5(root),
      (e: Error) => e instanceof StrataError && /attribute "layer_names" on "\/"/.test(e.message),
    );
  });
});
