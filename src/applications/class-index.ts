/**
 * ImageNet's class index for `decodePredictions`: Keras's `imagenet_class_index.json`
 * (`{"0": ["n01440764", "tench"], …}`), fetched through `getFile` into the "models" cache,
 * checked against Keras's hash, and kept for the process once read (as Keras keeps
 * `CLASS_INDEX`).
 */
import { readFile } from "node:fs/promises";
import { StrataError } from "../errors.js";
import { getFile } from "../data/files/get-file.js";

export type ClassIndex = Record<string, [string, string]>;

const CLASS_INDEX_PATH =
  "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json";
const CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb";

let classIndex: ClassIndex | null = null;

/** The class index, fetched (or found in the cache) on first use. */
export async function loadClassIndex(): Promise<ClassIndex> {
  if (classIndex !== null) return classIndex;
  let path: string;
  try {
    path = await getFile("imagenet_class_index.json", CLASS_INDEX_PATH, {
      cacheSubdir: "models",
      fileHash: CLASS_INDEX_HASH,
    });
  } catch (e) {
    if (!(e instanceof StrataError)) throw e;
    throw new StrataError(`decodePredictions: could not get ImageNet's class index (${e.message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new StrataError(`decodePredictions: ${path} is not JSON (${(e as Error).message})`);
  }
  const ok = (v: unknown): boolean =>
    Array.isArray(v) && v.length === 2 && v.every((s) => typeof s === "string");
  if (
    parsed === null ||
    typeof parsed !== "object" ||
    !Array.from({ length: 1000 }, (_, i) => (parsed as Record<string, unknown>)[String(i)]).every(
      ok,
    )
  ) {
    throw new StrataError(
      `decodePredictions: ${path} should map "0" … "999" to [wordnet id, class name]`,
    );
  }
  classIndex = parsed as ClassIndex;
  return classIndex;
}

/**
 * Replaces the process's class index (null: read it again on next use). Not public: for tests,
 * which cannot download Keras's file and cannot fake its hash.
 */
export function setClassIndex(index: ClassIndex | null): void {
  classIndex = index;
}
