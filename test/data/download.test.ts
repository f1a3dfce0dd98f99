/**
 * The cache and download path against a local HTTP server on 127.0.0.1 (no network needed).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type TestContext, after, before, describe, it } from "node:test";
import { StrataError } from "../../src/errors.js";
import { bostonHousing, mnist } from "../../src/data/datasets/index.js";
import { datasetsDir, getFile } from "../../src/data/datasets/cache.js";
import { hasKerasMnistArrays } from "../../src/data/datasets/mnist.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/datasets/", import.meta.url));
const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const md5 = (b: Uint8Array): string => createHash("md5").update(b).digest("hex");

const files = new Map<string, Uint8Array>([
  ["/data/mnist.npz", readFileSync(join(FIXTURES, "mnist.npz"))],
  ["/data/boston_housing.npz", readFileSync(join(FIXTURES, "boston_housing.npz"))],
  ["/data/hello.bin", new TextEncoder().encode("hello, strata")],
]);
const requests: string[] = [];
let server: Server;
let origin = "";

before(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const body = files.get(req.url ?? "");
    if (!body) {
      res.writeHead(404, "Not Found").end();
      return;
    }
    res.writeHead(200, { "content-length": body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data/`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Silences the "Downloading data from …" lines for one test. */
const quiet = (t: TestContext): void => {
  t.mock.method(console, "log", () => undefined);
  t.mock.method(console, "warn", () => undefined);
};
const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), "strata-dl-"));
const hello = files.get("/data/hello.bin")!;
const helloFile = (hash?: string) => ({
  fname: "sub/hello.bin",
  url: "https://example.invalid/keras/hello.bin",
  hash,
});

describe("getFile: cache and download", () => {
  it("downloads from origin + file name, verifies sha256, writes into the cache, then reuses it", async (t) => {
    quiet(t);
    const dir = await tempDir();
    const before = requests.length;
    const got = await getFile(helloFile(sha256(hello)), { cacheDir: dir, origin });
    assert.deepEqual(new Uint8Array(got), hello);
    assert.deepEqual(new Uint8Array(await readFile(join(dir, "sub", "hello.bin"))), hello);
    assert.deepEqual(requests.slice(before), ["/data/hello.bin"]);
    await getFile(helloFile(sha256(hello)), { cacheDir: dir, origin });
    assert.equal(requests.length, before + 1, "the cached copy is used");
    assert.deepEqual(await readdir(join(dir, "sub")), ["hello.bin"], "no temporary file is left");
  });

  it("md5 hashes (32 hex digits) are checked too, as Keras picks the algorithm by length", async (t) => {
    quiet(t);
    const dir = await tempDir();
    assert.deepEqual(
      new Uint8Array(await getFile(helloFile(md5(hello)), { cacheDir: dir, origin })),
      hello,
    );
  });

  it("a hash mismatch keeps nothing and names file, expected and received hash", async (t) => {
    quiet(t);
    const dir = await tempDir();
    const wrong = "0".repeat(64);
    await assert.rejects(getFile(helloFile(wrong), { cacheDir: dir, origin }), (err: Error) => {
      assert.ok(err instanceof StrataError);
      assert.match(err.message, /"sub\/hello\.bin"/);
      assert.match(
        err.message,
        new RegExp(`expected sha256 ${wrong}, received sha256 ${sha256(hello)}`),
      );
      return true;
    });
    assert.deepEqual(await readdir(dir), []);
  });

  it("a local copy with the wrong hash is downloaded again and replaced", async (t) => {
    quiet(t);
    const dir = await tempDir();
    await writeFile(join(dir, "hello.bin"), "stale");
    const file = { ...helloFile(sha256(hello)), fname: "hello.bin" };
    assert.deepEqual(new Uint8Array(await getFile(file, { cacheDir: dir, origin })), hello);
    assert.deepEqual(new Uint8Array(await readFile(join(dir, "hello.bin"))), hello);
  });

  it("checkHash: false accepts any local copy without downloading", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "hello.bin"), "mine");
    const before = requests.length;
    const file = { ...helloFile(sha256(hello)), fname: "hello.bin" };
    const got = await getFile(file, { cacheDir: dir, origin, checkHash: false });
    assert.equal(Buffer.from(got).toString(), "mine");
    assert.equal(requests.length, before);
  });

  it("HTTP errors and unreachable hosts become StrataErrors with the offline hint", async (t) => {
    quiet(t);
    const dir = await tempDir();
    await assert.rejects(
      getFile(
        { ...helloFile(), url: "https://example.invalid/missing.bin" },
        { cacheDir: dir, origin },
      ),
      /Could not download "sub\/hello\.bin": URL fetch failure on http:\/\/127\.0\.0\.1:\d+\/data\/missing\.bin: HTTP 404 -- Not Found\. If this machine is offline, put the file at /,
    );
    await assert.rejects(
      getFile(helloFile(), { cacheDir: dir, origin: "http://127.0.0.1:9" }),
      (err: Error) =>
        err instanceof StrataError &&
        /Could not download .*127\.0\.0\.1:9\/hello\.bin/.test(err.message),
    );
  });

  it("the cache folder: cacheDir, else $STRATA_DATASETS_DIR, else ~/.strata/datasets", () => {
    const saved = process.env["STRATA_DATASETS_DIR"];
    try {
      process.env["STRATA_DATASETS_DIR"] = "/some/where";
      assert.equal(datasetsDir({ cacheDir: "/x" }), "/x");
      assert.equal(datasetsDir(), "/some/where");
      delete process.env["STRATA_DATASETS_DIR"];
      assert.match(datasetsDir(), /[/\\]\.strata[/\\]datasets$/);
    } finally {
      if (saved === undefined) delete process.env["STRATA_DATASETS_DIR"];
      else process.env["STRATA_DATASETS_DIR"] = saved;
    }
  });
});

describe("loaders download through the same path", () => {
  it("mnist: a download that is not Keras's file is refused and discarded", async (t) => {
    quiet(t);
    const dir = await tempDir();
    const served = files.get("/data/mnist.npz")!;
    await assert.rejects(mnist.loadData({ cacheDir: dir, origin }), (err: Error) => {
      assert.ok(err instanceof StrataError);
      assert.match(err.message, /"mnist\.npz"/);
      assert.match(
        err.message,
        /expected sha256 731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1/,
      );
      assert.match(err.message, new RegExp(`received sha256 ${sha256(served)}`));
      return true;
    });
    assert.deepEqual(await readdir(dir), []);
  });

  it("with checkHash: false the download is kept and loaded", async (t) => {
    quiet(t);
    const dir = await tempDir();
    const [[xTrain, yTrain]] = await bostonHousing.loadData({
      cacheDir: dir,
      origin,
      checkHash: false,
    });
    assert.deepEqual(xTrain.shape, [16, 13]);
    assert.deepEqual(yTrain.shape, [16]);
    assert.deepEqual(await readdir(dir), ["boston_housing.npz"]);
  });

  it("mnist's content check accepts only Keras's arrays", () => {
    assert.equal(hasKerasMnistArrays(files.get("/data/mnist.npz")!), false);
    assert.equal(hasKerasMnistArrays(new Uint8Array(10)), false);
  });
});

describe("an unwritable cache", () => {
  it("reports where the download could not be saved", async (t) => {
    quiet(t);
    const dir = await tempDir();
    await writeFile(join(dir, "blocker"), "a file where a folder should be");
    const file = { ...helloFile(sha256(hello)), fname: "blocker/hello.bin" };
    await assert.rejects(
      getFile(file, { cacheDir: dir, origin }),
      /Downloaded "blocker\/hello\.bin" from .* but could not save it to .*blocker[/\\]hello\.bin/,
    );
  });
});
