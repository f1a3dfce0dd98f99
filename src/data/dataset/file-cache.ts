/**
 * cache(filename): tf.data's file-backed cache. The first complete pass writes every element to
 * the file as it goes (to a temporary name, renamed onto `filename` when the pass completes); a
 * pass left early removes its temporary and leaves no file. Once the file exists, every pass —
 * of this Dataset, or of any Dataset cached to the same file, in any process — reads it instead
 * of running the upstream pipeline.
 */
import { stat } from "node:fs/promises";
import {
  type RecordComponent,
  RecordFileWriter,
  type TensorRecord,
  readRecords,
} from "../../io/record-file.js";
import { fromStrings, fromValues } from "../../tensor/tensor.js";
import type { Pass } from "./sources.js";
import { type Element, flatten, leafTensor, unflatten } from "./structure.js";

const where = "Dataset.cache";

function toRecord(item: unknown): TensorRecord {
  const leaves = flatten(item).map((l) => leafTensor(l, where));
  return {
    structure: unflatten(
      item,
      leaves.map(() => null),
    ),
    components: leaves.map((t): RecordComponent =>
      t.dtype === "string"
        ? { dtype: "string", shape: [...t.shape], data: t.stringValues() }
        : { dtype: t.dtype, shape: [...t.shape], data: t.dataSync() },
    ),
  };
}

function fromRecord(r: TensorRecord): Element {
  return unflatten(
    r.structure,
    r.components.map((c) =>
      c.dtype === "string" ? fromStrings(c.data, c.shape) : fromValues(c.data, c.shape),
    ),
  ) as Element;
}

export function fileCachePass<T>(input: Pass<T>, filename: string): Pass<T> {
  return async function* () {
    if ((await stat(filename).catch(() => null))?.isFile()) {
      for await (const r of readRecords(filename)) yield fromRecord(r) as T;
      return;
    }
    const writer = await RecordFileWriter.create(filename);
    let complete = false;
    try {
      for await (const item of input()) {
        await writer.write(toRecord(item));
        yield item;
      }
      complete = true;
    } finally {
      if (complete) await writer.commit();
      else await writer.abort();
    }
  };
}
