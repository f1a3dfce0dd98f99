// Every long job draws the shared progress line on a (fake) terminal and stays quiet on a pipe
// or with verbose 0: downloads (bytes, rate, time left), adapt over datasets (batches), listing
// dataset folders (Keras's "Found N files belonging to K classes." kept), evaluate and predict
// (Keras's progress bar, whose final line Keras also prints off a terminal).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { encodeZip } from "../../src/io/zip-write.js";
import * as st from "../../src/index.js";
import { Sequential, layers } from "../../src/index.js";
import { captureStdout, screen } from "./fake-tty.js";

const dir = mkdtempSync(join(tmpdir(), "strata-progress-"));
const BODY = Buffer.alloc(300_000, 7);
const ZIP = encodeZip([
  ["z/one.txt", Buffer.from("1")],
  ["z/two.txt", Buffer.from("2")],
  ["z/three.txt", Buffer.from("3")],
]);
let server: Server;
let base = "";

before(async () => {
  // /sized says its length; /chunked does not (the count is then unknown while it runs).
  server = createServer((req, res) => {
    if (req.url === "/files.zip") return void res.end(ZIP);
    if (req.url === "/sized.bin") res.writeHead(200, { "content-length": BODY.length });
    else res.writeHead(200);
    let at = 0;
    const next = () => {
      if (at >= BODY.length) return void res.end();
      res.write(BODY.subarray(at, (at += 50_000)), next);
    };
    next();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const lastLine = (out: string) =>
  screen(out)
    .filter((l) => l !== "")
    .at(-1)!;

describe("progress: downloads", () => {
  it("shows bytes, the bar, the time and the rate on a terminal", async () => {
    const out = await captureStdout(true, () =>
      st.utils.getFile("a.bin", `${base}/sized.bin`, { cacheDir: join(dir, "a") }),
    );
    const lines = screen(out);
    assert.equal(lines[0], `Downloading data from ${base}/sized.bin`);
    assert.match(lines[1]!, /^300000\/300000 ━{20} \d+s \d+(\.\d)? (B|kB|MB|GB)\/s$/);
    assert.ok(out.includes("\r"), "redrawn in place");
  });

  it("ends an unknown length at the bytes received", async () => {
    const out = await captureStdout(true, () =>
      st.utils.getFile("b.bin", `${base}/chunked.bin`, { cacheDir: join(dir, "b") }),
    );
    assert.match(lastLine(out), /^300000\/300000 ━{20} \d+s \d+(\.\d)? (B|kB|MB|GB)\/s$/);
  });

  it("counts the files an archive is extracted into", async () => {
    const out = await captureStdout(true, () =>
      st.utils.getFile("files.zip", `${base}/files.zip`, {
        cacheDir: join(dir, "z"),
        extract: true,
      }),
    );
    assert.match(lastLine(out), /^Extracting: 3\/3 ━{20} \d+s \d+(us|ms)\/file$/);
  });

  it("writes no progress off a terminal", async () => {
    const out = await captureStdout(false, () =>
      st.utils.getFile("c.bin", `${base}/sized.bin`, { cacheDir: join(dir, "c") }),
    );
    assert.equal(out, `Downloading data from ${base}/sized.bin\n`);
    const zip = await captureStdout(false, () =>
      st.utils.getFile("files.zip", `${base}/files.zip`, {
        cacheDir: join(dir, "y"),
        extract: true,
      }),
    );
    assert.equal(zip, `Downloading data from ${base}/files.zip\n`);
  });
});

describe("progress: adapt", () => {
  const batches = () =>
    st.data.Dataset.fromTensorSlices(st.random.normal([40, 3], { seed: 1 })).batch(10);

  it("counts the batches of a dataset on a terminal", async () => {
    const norm = new layers.Normalization();
    const out = await captureStdout(true, () => norm.adapt(batches()));
    assert.match(lastLine(out), /^adapt: 4\/4 ━{20} \d+s \d+(us|ms)\/batch$/);
  });

  it("counts the batches of a generator of unknown length, and of an array cut into batches", async () => {
    function* texts() {
      yield ["a b", "b c"];
      yield ["c d"];
      yield ["d e", "e f"];
    }
    const lookup = new layers.StringLookup();
    const out = await captureStdout(true, () => lookup.adapt(texts()));
    assert.match(lastLine(out), /^adapt: 3\/3 ━{20} /);
    const vectorize = new layers.TextVectorization();
    const out2 = await captureStdout(true, () =>
      vectorize.adapt(["a b", "c d", "e f", "g h", "i j"], { batchSize: 2 }),
    );
    assert.match(lastLine(out2), /^adapt: 3\/3 ━{20} /);
  });

  it("is quiet with verbose 0, off a terminal, and for one batch", async () => {
    const norm = new layers.Normalization();
    assert.equal(await captureStdout(true, () => norm.adapt(batches(), { verbose: 0 })), "");
    assert.equal(await captureStdout(false, () => norm.adapt(batches())), "");
    assert.equal(
      await captureStdout(true, () => norm.adapt(st.random.normal([40, 3], { seed: 1 }))),
      "",
    );
  });
});

describe("progress: listing a dataset folder", () => {
  const root = join(dir, "texts");
  before(() => {
    for (const c of ["neg", "pos"]) {
      mkdirSync(join(root, c), { recursive: true });
      for (const i of [1, 2]) writeFileSync(join(root, c, `${i}.txt`), `${c} ${i}`);
    }
  });

  it("shows the folders listed, then Keras's count", async () => {
    const out = await captureStdout(true, () => st.utils.textDatasetFromDirectory(root));
    const lines = screen(out).filter((l) => l !== "");
    assert.match(lines[0]!, /^Listing files: 2\/2 ━{20} \d+s \d+(us|ms)\/folder$/);
    assert.equal(lines[1], "Found 4 files belonging to 2 classes.");
  });

  it("prints only Keras's count off a terminal, and nothing with verbose false", async () => {
    const out = await captureStdout(false, () => st.utils.textDatasetFromDirectory(root));
    assert.equal(out, "Found 4 files belonging to 2 classes.\n");
    const none = await captureStdout(true, () =>
      st.utils.textDatasetFromDirectory(root, { verbose: false }),
    );
    assert.equal(none, "");
  });
});

describe("progress: evaluate and predict", () => {
  st.random.setSeed(2);
  const model = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
  model.compile({ optimizer: "sgd", loss: "mse" });
  const x = st.random.normal([40, 3], { seed: 3 });
  const y = st.random.normal([40, 1], { seed: 4 });

  it("draws Keras's bar on a terminal", async () => {
    const out = await captureStdout(true, () => model.evaluate(x, y, { batchSize: 8 }));
    assert.match(lastLine(out), /^5\/5 ━{20} \d+s \d+(us|ms)\/step - loss: \d+\.\d{4}$/);
    const pred = await captureStdout(true, () => model.predict(x, { batchSize: 16 }));
    assert.match(lastLine(pred), /^3\/3 ━{20} \d+s \d+(us|ms)\/step$/);
  });

  it("writes the final line off a terminal (as Keras) and nothing with verbose 0", async () => {
    const out = await captureStdout(false, () => model.evaluate(x, y, { batchSize: 8 }));
    assert.match(out, /^5\/5 ━{20} \d+s \d+(us|ms)\/step - loss: \d+\.\d{4}\n$/);
    assert.equal(
      await captureStdout(true, () => model.predict(x, { batchSize: 16, verbose: 0 })),
      "",
    );
  });
});

describe("progress: the legacy ImageDataGenerator's folder listing and strata convert", () => {
  const root = join(dir, "images");
  before(async () => {
    for (const c of ["cats", "dogs"]) {
      mkdirSync(join(root, c), { recursive: true });
      await st.utils.saveImg(join(root, c, "a.png"), st.zeros([4, 4, 3]));
    }
  });

  it("flowFromDirectory lists its class folders on a terminal, then Keras's count", async () => {
    const gen = new st.preprocessing.image.ImageDataGenerator();
    const out = await captureStdout(true, async () => gen.flowFromDirectory(root));
    const lines = screen(out).filter((l) => l !== "");
    assert.match(lines[0]!, /^Listing files: 2\/2 ━{20} \d+s \d+(us|ms)\/folder$/);
    assert.equal(lines[1], "Found 2 images belonging to 2 classes.");
    const piped = await captureStdout(false, async () => gen.flowFromDirectory(root));
    assert.equal(piped, "Found 2 images belonging to 2 classes.\n");
  });

  it("strata convert shows its stages on a terminal and only its result on a pipe", async () => {
    const { main } = await import("../../src/tools/cli/main.js");
    const model = new Sequential([layers.Input({ shape: [2] }), new layers.Dense(1)]);
    const input = join(dir, "convert-in.keras");
    await model.save(input);
    const out = await captureStdout(true, () =>
      main(["convert", input, join(dir, "c.weights.h5")]),
    );
    const lines = screen(out).filter((l) => l !== "");
    assert.match(lines[0]!, /^Converting: 3\/3 ━{20} \d+s \d+(us|ms)\/stage$/);
    assert.match(
      lines[1]!,
      /^strata convert: wrote .*c\.weights\.h5 \(weights\) from convert-in\.keras$/,
    );
    const piped = await captureStdout(false, () => main(["convert", input, join(dir, "d.keras")]));
    assert.match(piped, /^strata convert: wrote .*d\.keras \(model\) from convert-in\.keras\n$/);
  });
});
