import assert from "node:assert/strict";
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, test } from "node:test";
import {
  EventFileReader,
  decodeEvents,
  listEventFiles,
  readEvents,
  type TensorBoardEvent,
} from "../../../src/tools/tensorboard/event-reader.js";
import { EventFileWriter } from "../../../src/tools/tensorboard/event-writer.js";
import { ValueError } from "../../../src/errors.js";
import { floats, parseEvent, parseWire, splitRecords } from "./independent-decoder.js";

const dir = mkdtempSync(join(tmpdir(), "strata-tb-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const hex = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));
const utf8 = (b: Uint8Array) => new TextDecoder().decode(b);

// Records TensorFlow 2.21 wrote (tf.summary.create_file_writer): its file-version event, and
// tf.summary.scalar("epoch_loss", 0.5, step=0).
const TF_FILE_VERSION_RECORD = hex(
  "3e00000000000000d9d240e7090000c098bbc5da411a0d627261696e2e4576656e743a3252240a2274656e736f72" +
    "666c6f772e636f72652e7574696c2e6576656e74735f777269746572810d236c",
);
const TF_SCALAR_RECORD = hex(
  "3200000000000000241956ec0935d0f998bbc5da412a270a250a0a65706f63685f6c6f7373420a0801120022040000" +
    "003f4a0b0a090a077363616c6172735403b820",
);

/** A file with one of every kind of summary, closed. */
function writeSample(logDir: string): string {
  const w = EventFileWriter.create(logDir);
  w.addScalar("epoch_loss", 0.25, 0, 1000.5);
  w.addScalar("epoch_loss", 0.125, 1, 1001.5);
  w.addHistogram("dense/kernel/histogram", [0, 1, 2, 3], 1, { buckets: 3, wallTime: 1002 });
  w.addImages("dense/kernel/image", [{ width: 2, height: 1, encoded: hex("89504e47") }], 1, 1003);
  w.addText("notes", "héllo", 2, 1004);
  w.addKerasModel('{"class_name": "Sequential"}', 0, "keras", 1005);
  w.addGraph({ node: [{ name: "dense", op: "MatMul", input: ["x", "w"] }] }, 0, 1006);
  w.close();
  return w.path;
}

test("the writer's file decodes with an independent TFRecord + protobuf decoder", () => {
  const path = writeSample(join(dir, "independent"));
  assert.match(basename(path), /^events\.out\.tfevents\.\d{10}\.[^.]+.*\.\d+\.\d+\.v2$/);
  const events = splitRecords(readFileSync(path)).map(parseEvent);
  assert.equal(events.length, 8);
  assert.equal(events[0]!.fileVersion, "brain.Event:2");
  assert.equal(Number.isInteger(events[0]!.wallTime), true);

  const [s0, s1, histo, image, text, keras, graph] = events.slice(1);
  for (const [e, step, value, wall] of [
    [s0!, 0, 0.25, 1000.5],
    [s1!, 1, 0.125, 1001.5],
  ] as const) {
    assert.equal(e.step, step);
    assert.equal(e.wallTime, wall);
    const v = e.values[0]!;
    assert.deepEqual([v.tag, v.plugin, v.pluginContent], ["epoch_loss", "scalars", ""]);
    assert.deepEqual([v.tensor!.dtype, v.tensor!.shape], [1 /* DT_FLOAT */, []]);
    assert.deepEqual(floats(v.tensor!.content, 4), [value]);
  }

  const h = histo!.values[0]!;
  assert.deepEqual([h.tag, h.plugin, histo!.step], ["dense/kernel/histogram", "histograms", 1]);
  assert.deepEqual([h.tensor!.dtype, h.tensor!.shape], [2 /* DT_DOUBLE */, [3, 3]]);
  // By hand: [0, 3] in 3 buckets of width 1; 3 (the maximum) goes to the last bucket.
  assert.deepEqual(floats(h.tensor!.content, 8), [0, 1, 1, 1, 2, 1, 2, 3, 2]);

  const im = image!.values[0]!;
  assert.deepEqual(
    [im.tag, im.plugin, im.tensor!.dtype, im.tensor!.shape],
    ["dense/kernel/image", "images", 7 /* DT_STRING */, [3]],
  );
  assert.deepEqual(
    im.tensor!.strings.map((s) => Buffer.from(s).toString("hex")),
    ["32", "31", "89504e47"],
  );

  const t = text!.values[0]!;
  assert.deepEqual(
    [t.tag, t.plugin, t.tensor!.shape, utf8(t.tensor!.strings[0]!)],
    ["notes", "text", [], "héllo"],
  );
  assert.equal(text!.step, 2);

  const k = keras!.values[0]!;
  assert.deepEqual(
    [k.tag, k.plugin, k.pluginContent, keras!.step],
    ["keras", "graph_keras_model", "1", 0],
  );
  assert.equal(utf8(k.tensor!.strings[0]!), '{"class_name": "Sequential"}');

  // GraphDef: node = 1 (NodeDef: name = 1, op = 2, input = 3).
  const nodes = parseWire(graph!.graphDef!).filter((f) => f.field === 1);
  const node = parseWire(nodes[0]!.bytes!);
  assert.deepEqual(
    node.map((f) => [f.field, utf8(f.bytes!)]),
    [
      [1, "dense"],
      [2, "MatMul"],
      [3, "x"],
      [3, "w"],
    ],
  );
});

test("a scalar event is byte for byte the record TensorFlow writes", () => {
  const [tfData] = splitRecords(TF_SCALAR_RECORD);
  const wallTime = parseEvent(tfData!).wallTime;
  const w = EventFileWriter.create(join(dir, "golden"));
  w.addScalar("epoch_loss", 0.5, 0, wallTime);
  w.close();
  const records = readFileSync(w.path);
  const ours = records.subarray(records.length - TF_SCALAR_RECORD.length);
  assert.equal(Buffer.from(ours).toString("hex"), Buffer.from(TF_SCALAR_RECORD).toString("hex"));
});

test("the reader decodes records TensorFlow wrote", () => {
  const { events, nextOffset } = decodeEvents(
    Buffer.concat([TF_FILE_VERSION_RECORD, TF_SCALAR_RECORD]),
  );
  assert.equal(nextOffset, TF_FILE_VERSION_RECORD.length + TF_SCALAR_RECORD.length);
  assert.deepEqual(
    events.map((e) => e.kind),
    ["fileVersion", "scalar"],
  );
  assert.deepEqual(events[1], {
    kind: "scalar",
    wallTime: parseEvent(splitRecords(TF_SCALAR_RECORD)[0]!).wallTime,
    step: 0,
    tag: "epoch_loss",
    value: 0.5,
  });
});

test("readEvents returns every kind of event the writer wrote", async () => {
  const path = writeSample(join(dir, "reader"));
  const { events, nextOffset } = await readEvents(path);
  assert.equal(nextOffset, readFileSync(path).length);
  const byKind = (kind: TensorBoardEvent["kind"]) => events.filter((e) => e.kind === kind);
  assert.equal(events[0]!.kind, "fileVersion");
  assert.deepEqual(
    byKind("scalar").map((e) => e.kind === "scalar" && [e.tag, e.step, e.value, e.wallTime]),
    [
      ["epoch_loss", 0, 0.25, 1000.5],
      ["epoch_loss", 1, 0.125, 1001.5],
    ],
  );
  assert.deepEqual(byKind("histogram")[0], {
    kind: "histogram",
    wallTime: 1002,
    step: 1,
    tag: "dense/kernel/histogram",
    buckets: [
      { left: 0, right: 1, count: 1 },
      { left: 1, right: 2, count: 1 },
      { left: 2, right: 3, count: 2 },
    ],
  });
  const image = byKind("image")[0]!;
  assert.ok(image.kind === "image");
  assert.deepEqual([image.width, image.height, image.images.length], [2, 1, 1]);
  assert.deepEqual(Buffer.from(image.images[0]!).toString("hex"), "89504e47");
  assert.deepEqual(byKind("text")[0], {
    kind: "text",
    wallTime: 1004,
    step: 2,
    tag: "notes",
    text: ["héllo"],
    shape: [],
  });
  assert.deepEqual(byKind("kerasModel")[0], {
    kind: "kerasModel",
    wallTime: 1005,
    step: 0,
    tag: "keras",
    config: { class_name: "Sequential" },
  });
  const graph = byKind("graph")[0]!;
  assert.ok(graph.kind === "graph");
  assert.deepEqual(graph.graphDef, {
    node: [{ name: "dense", op: "MatMul", input: ["x", "w"] }],
  });
  assert.deepEqual(listEventFiles(join(dir, "reader")), [path]);
  assert.deepEqual(listEventFiles(join(dir, "missing")), []);
});

test("a partly written last record is left for the next read", async () => {
  const path = writeSample(join(dir, "truncated"));
  const whole = readFileSync(path);
  const all = decodeEvents(whole).events;
  // Where the last record starts: the file minus the last record (its length is in its header).
  const records = splitRecords(whole);
  const lastStart = whole.length - (records.at(-1)!.length + 16);
  for (const cut of [
    lastStart + 1,
    lastStart + 8,
    lastStart + 12,
    lastStart + 20,
    whole.length - 1,
  ]) {
    const partial = decodeEvents(whole.subarray(0, cut));
    assert.equal(partial.nextOffset, lastStart, `cut at ${cut}`);
    assert.deepEqual(partial.events, all.slice(0, -1));
  }
  // A live file: the reader follows it as the rest arrives.
  const live = join(dir, "truncated", "events.out.tfevents.live");
  writeFileSync(live, whole.subarray(0, lastStart + 5));
  const reader = new EventFileReader(live);
  assert.deepEqual(await reader.poll(), all.slice(0, -1));
  assert.equal(reader.offset, lastStart);
  assert.deepEqual(await reader.poll(), []);
  appendFileSync(live, whole.subarray(lastStart + 5));
  assert.deepEqual(await reader.poll(), all.slice(-1));
  assert.equal(reader.offset, whole.length);
  assert.deepEqual(readdirSync(join(dir, "truncated")).length, 2);
});

test("a corrupt record raises a ValueError naming the file and offset", async () => {
  const path = writeSample(join(dir, "corrupt"));
  const bytes = readFileSync(path);
  bytes[bytes.length - 10]! ^= 0xff;
  writeFileSync(path, bytes);
  await assert.rejects(readEvents(path), (err: unknown) => {
    assert.ok(err instanceof ValueError);
    assert.match(err.message, /data checksum of the record at byte \d+/);
    assert.ok(err.message.includes(path));
    return true;
  });
  await assert.rejects(readEvents(path, bytes.length + 1), ValueError);
});

test("the writer rejects bad tags, steps and use after close", () => {
  const w = EventFileWriter.create(join(dir, "errors"));
  assert.throws(() => w.addScalar("", 1, 0), ValueError);
  assert.throws(() => w.addScalar("x", 1, 0.5), ValueError);
  assert.throws(() => w.addImages("x", [], 0), ValueError);
  w.close();
  w.close();
  assert.throws(() => w.addScalar("x", 1, 0), /closed/);
});
