// st.utils.getFile as keras.utils.get_file, against a local HTTP server: Keras's cache names,
// hash checks, served from the cache when offline, extraction of tar.gz and zip archives.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { encodeZip } from "../../src/io/zip-write.js";
import * as st from "../../src/index.js";

const { getFile } = st.utils;

/** A ustar archive of regular files, built field by field. */
function tar(files: [string, string][]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [name, text] of files) {
    const data = Buffer.from(text);
    const h = new Uint8Array(512);
    const put = (at: number, s: string): void => h.set(Buffer.from(s, "latin1"), at);
    put(0, name);
    put(100, "0000644\0");
    put(108, "0000000\0");
    put(116, "0000000\0");
    put(124, data.length.toString(8).padStart(11, "0") + "\0");
    put(136, "00000000000\0");
    put(156, "0");
    put(257, "ustar\0");
    put(263, "00");
    put(148, "        ");
    const sum = h.reduce((a, b) => a + b, 0);
    put(148, sum.toString(8).padStart(6, "0") + "\0 ");
    blocks.push(h);
    const body = new Uint8Array(Math.ceil(data.length / 512) * 512);
    body.set(data);
    blocks.push(body);
  }
  blocks.push(new Uint8Array(1024));
  return Buffer.concat(blocks);
}

const FILE = Buffer.from("hello from the server\n");
const TGZ = gzipSync(
  tar([
    ["data/a.txt", "alpha"],
    ["data/sub/b.txt", "beta"],
    ["../evil.txt", "nope"],
  ]),
);
const ZIP = encodeZip([
  ["z/one.txt", Buffer.from("1")],
  ["z/two.txt", Buffer.from("2")],
]);
const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const md5 = (b: Uint8Array): string => createHash("md5").update(b).digest("hex");

let server: Server;
let base = "";
let hits = 0;
let cache = "";
/** A URL where nothing listens: a server's port, closed again. */
let offline = "";
const quiet = { progressWriter: () => {} };

before(async () => {
  server = createServer((req, res) => {
    hits++;
    const body = { "/file.txt": FILE, "/data.tar.gz": TGZ, "/pack.zip": ZIP }[req.url ?? ""];
    if (body === undefined) {
      res.writeHead(404, "Not Found");
      res.end();
      return;
    }
    res.writeHead(200, { "content-length": body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cache = mkdtempSync(join(tmpdir(), "strata-getfile-"));
  const gone = createServer();
  await new Promise<void>((r) => gone.listen(0, "127.0.0.1", r));
  offline = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
  await new Promise<void>((r) => gone.close(() => r()));
});
after(() => {
  server.close();
  rmSync(cache, { recursive: true, force: true });
});

describe("getFile", () => {
  it("downloads into cacheDir/datasets, then serves the cached copy without the network", async () => {
    const log = console.log;
    console.log = () => {};
    try {
      hits = 0;
      const p = await getFile("greeting.txt", `${base}/file.txt`, { cacheDir: cache, ...quiet });
      assert.equal(p, join(cache, "datasets", "greeting.txt"));
      assert.deepEqual(readFileSync(p), FILE);
      assert.equal(hits, 1);
      const again = await getFile("greeting.txt", `${base}/file.txt`, {
        cacheDir: cache,
        fileHash: sha256(FILE),
        ...quiet,
      });
      assert.equal(again, p);
      assert.equal(hits, 1);
      // Offline (nothing listens there): still served from the cache.
      const served = await getFile("greeting.txt", `${offline}/file.txt`, {
        cacheDir: cache,
        fileHash: md5(FILE),
        ...quiet,
      });
      assert.equal(served, p);
      // fname null: the URL's last part; no temporaries left behind.
      const byUrl = await getFile(null, `${base}/file.txt`, { cacheDir: cache, ...quiet });
      assert.equal(byUrl, join(cache, "datasets", "file.txt"));
      assert.deepEqual(readdirSync(join(cache, "datasets")).sort(), ["file.txt", "greeting.txt"]);
    } finally {
      console.log = log;
    }
  });

  it("re-downloads a copy whose hash does not match; a bad download is an error", async () => {
    const log = console.log;
    const lines: string[] = [];
    console.log = (m: string) => lines.push(m);
    try {
      const dir = join(cache, "stale");
      const p = await getFile("f.txt", `${base}/file.txt`, { cacheDir: dir, ...quiet });
      writeFileSync(p, "stale copy");
      hits = 0;
      await getFile("f.txt", `${base}/file.txt`, {
        cacheDir: dir,
        fileHash: sha256(FILE),
        ...quiet,
      });
      assert.equal(hits, 1);
      assert.deepEqual(readFileSync(p), FILE);
      assert.ok(lines.some((l) => /hash does not match/.test(l)));
      await assert.rejects(
        getFile("g.txt", `${base}/file.txt`, { cacheDir: dir, fileHash: "0".repeat(64), ...quiet }),
        /incomplete or corrupted file detected/,
      );
      await assert.rejects(
        getFile("h.txt", `${base}/missing.bin`, { cacheDir: dir, ...quiet }),
        (err: Error) => {
          assert.ok(err instanceof st.StrataError);
          assert.match(err.message, /URL fetch failure on .*missing\.bin: HTTP 404/);
          assert.match(err.message, /put the file at .*h\.txt/);
          return true;
        },
      );
      await assert.rejects(
        getFile("i.txt", `${offline}/i.txt`, { cacheDir: dir, ...quiet }),
        /URL fetch failure on http:\/\/127\.0\.0\.1:\d+\/i\.txt.*offline/,
      );
      assert.ok(!existsSync(join(dir, "datasets", "h.txt")));
    } finally {
      console.log = log;
    }
  });

  it("extracts tar.gz and zip archives with Keras's names, skipping unsafe members", async () => {
    const log = console.log;
    const warn = console.warn;
    const warnings: string[] = [];
    console.log = () => {};
    console.warn = (m: string) => warnings.push(m);
    try {
      const dir = join(cache, "x");
      const out = await getFile("data.tar.gz", `${base}/data.tar.gz`, {
        cacheDir: dir,
        extract: true,
        ...quiet,
      });
      assert.equal(out, join(dir, "datasets", "data_extracted"));
      assert.equal(readFileSync(join(out, "data", "a.txt"), "utf8"), "alpha");
      assert.equal(readFileSync(join(out, "data", "sub", "b.txt"), "utf8"), "beta");
      assert.ok(existsSync(join(dir, "datasets", "data.tar.gz")));
      assert.ok(!existsSync(join(dir, "datasets", "evil.txt")));
      assert.ok(warnings.some((w) => w.includes("../evil.txt")));
      const z = await getFile("pack", `${base}/pack.zip`, {
        cacheDir: dir,
        extract: true,
        ...quiet,
      });
      assert.equal(z, join(dir, "datasets", "pack"));
      assert.ok(existsSync(join(dir, "datasets", "pack_archive")));
      assert.equal(readFileSync(join(z, "z", "two.txt"), "utf8"), "2");
      const u = await getFile(null, `${base}/data.tar.gz`, {
        cacheDir: dir,
        untar: true,
        ...quiet,
      });
      assert.equal(u, join(dir, "datasets", "data.tar.gz"));
      assert.equal(readFileSync(join(u, "data", "a.txt"), "utf8"), "alpha");
    } finally {
      console.log = log;
      console.warn = warn;
    }
  });

  it("argument errors", async () => {
    await assert.rejects(getFile("a/b.txt", `${base}/file.txt`), /paths are no longer accepted/);
    await assert.rejects(getFile(null, ""), /origin/);
    await assert.rejects(getFile(null, `${base}/`), /can't parse the file name/);
    await assert.rejects(
      getFile("x", `${base}/file.txt`, { hash: "1" } as never),
      /unknown option hash/,
    );
  });

  it("writes a progress line with the byte counts", async () => {
    const log = console.log;
    console.log = () => {};
    const out: string[] = [];
    try {
      await getFile("p.txt", `${base}/file.txt`, {
        cacheDir: join(cache, "p"),
        progressWriter: (t) => out.push(t),
      });
    } finally {
      console.log = log;
    }
    assert.match(out.join(""), new RegExp(`${FILE.length}/${FILE.length} ━{20}`));
  });
});
