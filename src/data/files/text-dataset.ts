/**
 * `textDatasetFromDirectory`: Keras's `keras.utils.text_dataset_from_directory`. Each `.txt` file
 * becomes a string scalar, read when the dataset reaches it (several reads in flight); batches
 * are string tensors [batch]. The file list, labels, shuffle and validation split are Keras's
 * (directory-index.ts), so a seed gives Keras's training and validation files.
 */
import { readFileBytes } from "./directory-index.js";
import { ValueError } from "../../errors.js";
import { type Tensor, fromStrings } from "../../tensor/tensor.js";
import {
  type DirectoryOptions,
  type DirectoryResult,
  datasetFromDirectory,
} from "./directory-index.js";

export interface TextDatasetOptions extends DirectoryOptions {
  /** Keep at most this many bytes of each file (Keras's `tf.strings.substr` in bytes). */
  maxLength?: number | null;
}

const KNOWN = [
  "labels",
  "labelMode",
  "classNames",
  "batchSize",
  "maxLength",
  "shuffle",
  "seed",
  "validationSplit",
  "subset",
  "followLinks",
  "verbose",
  "numParallelCalls",
];

/** A text file as a string scalar, cut to `maxLength` bytes. */
async function readText(path: string, maxLength: number | null): Promise<Tensor> {
  let bytes = await readFileBytes(path, "textDatasetFromDirectory");
  if (maxLength !== null) bytes = bytes.subarray(0, maxLength);
  return fromStrings([Buffer.from(bytes).toString("utf8")], []);
}

/**
 * A Dataset of `[texts, labels]` batches (texts alone with `labelMode: null`) from a folder of
 * class folders of `.txt` files, as Keras's `text_dataset_from_directory`; `[training,
 * validation]` for `subset: "both"`. The result carries `classNames` and `filePaths`.
 */
export async function textDatasetFromDirectory<const O extends TextDatasetOptions = object>(
  directory: string,
  opts?: O,
): Promise<DirectoryResult<O>> {
  const where = "textDatasetFromDirectory";
  const o: TextDatasetOptions = opts ?? {};
  for (const k of Object.keys(o))
    if (!KNOWN.includes(k))
      throw new ValueError(`${where}: unknown option ${k}; expected one of ${KNOWN.join(", ")}`);
  const maxLength = o.maxLength ?? null;
  if (maxLength !== null && !(Number.isInteger(maxLength) && maxLength >= 0))
    throw new ValueError(
      `${where}: maxLength must be a non-negative integer or null. Received: maxLength=${maxLength}`,
    );
  return (await datasetFromDirectory(where, directory, o, [".txt"], "text files", (p) =>
    readText(p, maxLength),
  )) as DirectoryResult<O>;
}
