import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { EventFileWriter } from "../../../src/tools/tensorboard/event-writer.js";
import { accumulate, skipWithoutTensorBoard } from "./tensorboard-python.js";

const dir = mkdtempSync(join(tmpdir(), "strata-tb-py-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test(
  "TensorBoard's EventAccumulator reads the writer's scalars, histograms, text, model and graph",
  { skip: skipWithoutTensorBoard },
  () => {
    const run = join(dir, "run");
    const w = EventFileWriter.create(run);
    w.addScalar("epoch_loss", 0.75, 0);
    w.addScalar("epoch_loss", 0.5, 1);
    w.addHistogram("dense/kernel/histogram", [0, 1, 2, 3], 1, { buckets: 3 });
    w.addText("notes", "hello", 0);
    w.addKerasModel('{"class_name": "Sequential", "config": {"name": "m"}}');
    w.addGraph({
      node: [
        { name: "x", op: "Placeholder" },
        { name: "y", op: "Relu", input: ["x"] },
      ],
    });
    w.close();

    const acc = accumulate(run);
    assert.equal(acc.tensorflow_imported, false);
    assert.deepEqual(Object.keys(acc.tensors).sort(), [
      "dense/kernel/histogram",
      "epoch_loss",
      "keras",
      "notes",
    ]);
    assert.deepEqual(
      acc.tensors.epoch_loss!.map((r) => [r.step, r.plugin, r.dtype, r.shape, r.values]),
      [
        [0, "scalars", "float32", [], [0.75]],
        [1, "scalars", "float32", [], [0.5]],
      ],
    );
    const [h] = acc.tensors["dense/kernel/histogram"]!;
    assert.deepEqual(
      [h!.step, h!.plugin, h!.dtype, h!.shape],
      [1, "histograms", "float64", [3, 3]],
    );
    assert.deepEqual(h!.values, [0, 1, 1, 1, 2, 1, 2, 3, 2]);
    assert.deepEqual(acc.tensors.notes![0]!.values, ["hello"]);
    const [k] = acc.tensors.keras!;
    assert.deepEqual([k!.step, k!.plugin, k!.content], [0, "graph_keras_model", "1"]);
    assert.deepEqual(JSON.parse((k!.values as string[])[0]!), {
      class_name: "Sequential",
      config: { name: "m" },
    });
    assert.deepEqual(acc.graph, [
      { name: "x", op: "Placeholder" },
      { name: "y", op: "Relu" },
    ]);
  },
);
