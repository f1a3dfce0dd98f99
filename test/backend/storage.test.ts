import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { afterEach, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as st from "../../src/index.js";
import { StrataError, ValueError } from "../../src/errors.js";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { opaqueBackend, registerOpaqueBackend } from "../opaque-backend.js";

// Tensors live in their backend's storage: read through dataSync / data / item, moved with `to`.

registerOpaqueBackend();
const initial = st.getBackend();
afterEach(() => st.setBackend(initial));

describe("backend-owned storage", () => {
  it("reads values only through the backend, as copies", async () => {
    st.setBackend("opaque");
    const x = st.tensor([1, 2, 3]);
    assert.equal(x.backend.name, "opaque");
    const values = x.dataSync();
    values[0] = 99;
    assert.deepEqual([...x.dataSync()], [1, 2, 3], "dataSync hands out a copy");
    assert.deepEqual([...(await x.data())], [1, 2, 3]);
    assert.equal(st.tensor([[4]]).item(), 4);
    assert.deepEqual(st.ops.add(x, 1).toArray(), [2, 3, 4]);
  });

  it("refuses a tensor from another backend whose memory is not the host's, naming the fix", () => {
    st.setBackend("opaque");
    const x = st.tensor([1, 2]);
    st.setBackend("ts");
    assert.throws(
      () => st.ops.add(x, 1),
      (e: Error) =>
        e instanceof StrataError &&
        /on the opaque backend, but ops run on ts: move it with tensor\.to\("ts"\)/.test(e.message),
    );
    const moved = x.to("ts");
    assert.equal(moved.backend.name, "ts");
    assert.deepEqual(st.ops.add(moved, 1).toArray(), [2, 3]);
    assert.equal(moved.to("ts"), moved, "a tensor already there is returned as it is");
  });

  it("shares host storage between host backends without a copy", () => {
    st.setBackend("ts");
    const x = st.tensor([1, 2, 3]);
    for (const name of st.listBackends().filter((n) => n !== "opaque")) {
      st.setBackend(name);
      assert.deepEqual(st.ops.multiply(x, 2).toArray(), [2, 4, 6], name);
    }
  });

  it("names unknown backends and late options", () => {
    assert.throws(() => st.setBackend("gpu9"), /backend "gpu9" is unavailable.*available: /);
    st.setBackend("ts");
    st.ops.add(st.tensor([1]), 1);
    assert.throws(
      () => st.setBackend("ts", { tuneProcess: false }),
      (e: Error) => e instanceof ValueError && /already initialized/.test(e.message),
    );
  });
});

describe("memory outside the JS heap", () => {
  it("is freed when the garbage collector takes its tensors: nothing to dispose", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    st.setBackend("opaque");
    const collect = async () => {
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((r) => setImmediate(r)); // finalizers run between turns
      }
    };
    await collect();
    const held = opaqueBackend.memory();
    (() => {
      let x = st.ones([256, 256]);
      for (let i = 0; i < 20; i++) x = st.ops.add(x, 1);
      assert.equal(x.dataSync()[0], 21);
    })();
    assert.ok(opaqueBackend.memory().tensors > held.tensors);
    await collect();
    assert.ok(
      opaqueBackend.memory().bytes <= held.bytes + 256 * 256 * 4,
      `still held: ${JSON.stringify(opaqueBackend.memory())}, before: ${JSON.stringify(held)}`,
    );
  });
});

describe("importing the library", () => {
  it("loads no backend and prints nothing until the first tensor", () => {
    const src = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
    const script = `
      import { createRequire } from "node:module";
      const addons = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => k.endsWith(".node"));
      const st = await import(${JSON.stringify(src)});
      const before = addons().length;
      st.tensor([1, 2]).add(1);
      console.log(JSON.stringify({ before, after: addons().length, backend: st.getBackend() }));`;
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      {
        encoding: "utf8",
      },
    );
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
    assert.equal(result.before, 0, "no addon is loaded by the import");
    if (result.backend === "native") assert.equal(result.after, 1, "the first tensor loads it");
  });
});
