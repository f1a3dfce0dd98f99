// Links a weights file should not use: the reader lists soft and external links apart and refuses
// to follow them, and refuses a virtual dataset, each error naming the member (fixtures written
// by h5py: test/fixtures/make_hdf5_links.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { StrataError } from "../../src/errors.js";
import { readHdf5 } from "../../src/io/hdf5.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/io/${name}`, import.meta.url).pathname);

describe("HDF5 reader: links it does not follow", () => {
  it("lists a soft link in an old-style group apart from its members, and refuses it", () => {
    const root = readHdf5(fixture("links_soft.h5"), "links_soft.h5");
    assert.deepEqual(root.keys(), ["real_layers"]);
    assert.deepEqual([...root.otherLinks()], [["layers", "soft"]]);
    assert.throws(() => root.get("layers/dense"), {
      name: "StrataError",
      message: /links_soft\.h5: \/layers is a soft link, which is not followed/,
    });
    // The group it points at is still readable where it is.
    const ds = root.dataset("real_layers/dense/vars/0");
    assert.deepEqual([...(ds.read() as Float32Array)], [0, 1, 2, 3, 4, 5]);
  });

  it("lists an external link (a link message) and refuses it", () => {
    const root = readHdf5(fixture("links_external.h5"), "links_external.h5");
    assert.deepEqual(root.keys(), []);
    assert.deepEqual([...root.otherLinks()], [["layers", "external"]]);
    assert.throws(() => root.group("layers"), {
      message: /\/layers is an external link, which is not followed/,
    });
  });

  it("refuses a virtual dataset when read, naming it", () => {
    const root = readHdf5(fixture("links_virtual.h5"), "links_virtual.h5");
    const ds = root.dataset("layers/dense/vars/0");
    assert.throws(
      () => ds.read(),
      (e: unknown) =>
        e instanceof StrataError &&
        /layers\/dense\/vars\/0: virtual storage is not supported/.test(e.message),
    );
  });
});
