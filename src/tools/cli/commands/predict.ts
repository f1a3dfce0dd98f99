/**
 * `strata predict FILE INPUT...`: a saved model's predictions for a JSON request, a NumPy file
 * or image files, printed as JSON in TF Serving's shape (`{"predictions": …}`, or
 * `{"outputs": …}` for a columnar request), so the answer is what `strata serve` would give.
 * - `.json`: a TF Serving predict body (`{"instances": …}` or `{"inputs": …}`) or a bare list
 *   of instances;
 * - `.npy`: the batch for a one-input model; `.npz`: one member per input, named after it;
 * - images (PNG, JPEG, GIF, BMP, WebP, TIFF): one row each, decoded with the project's image I/O
 *   (Keras's load_img) and resized to the model's input height and width, with its channels
 *   (1: grayscale, 3: RGB, 4: RGBA), as pixel values 0–255 unless `--rescale` is given.
 */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { StrataError } from "../../../errors.js";
import { loadImg } from "../../../data/files/image.js";
import { parseNpy, parseNpz, type NpyArray } from "../../../io/npy.js";
import { loadModel } from "../../../models/index.js";
import { allocate, type TypedArray } from "../../../tensor/dtype.js";
import type { Column } from "../../serve/columns.js";
import { parseRequestJson } from "../../serve/json-parse.js";
import {
  checkShape,
  decodePredictRequest,
  type PredictRequest,
} from "../../serve/predict-request.js";
import { encodePrediction } from "../../serve/predict-response.js";
import { Servable } from "../../serve/servable.js";
import type { Signature, TensorSpec } from "../../serve/signature.js";

const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"];
const INTERPOLATIONS = ["nearest", "bilinear", "bicubic", "hamming", "box", "lanczos"] as const;
type Interpolation = (typeof INTERPOLATIONS)[number];

interface PredictFlags {
  batchSize: number;
  rescale?: number;
  interpolation: Interpolation;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a positive integer; received "${value}"`);
  }
  return n;
}

/** A number, or a fraction such as 1/255. */
function factor(value: string): number {
  const m = /^\s*([-+0-9.e]+)\s*(?:\/\s*([-+0-9.e]+))?\s*$/i.exec(value);
  const n = m ? Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2])) : NaN;
  if (!Number.isFinite(n))
    throw new InvalidArgumentError(`expected a number such as 0.5 or 1/255; received "${value}"`);
  return n;
}

function interpolation(value: string): Interpolation {
  if (!(INTERPOLATIONS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(
      `expected one of ${INTERPOLATIONS.join(", ")}; received "${value}"`,
    );
  }
  return value as Interpolation;
}

/** The only input of a one-input model, or an error naming the inputs. */
function onlyInput(sig: Signature, what: string): TensorSpec {
  if (sig.inputs.length !== 1) {
    throw new StrataError(
      `predict: ${what} gives one input, but the model has ${sig.inputs.length} ` +
        `(${sig.inputs.map((s) => s.name).join(", ")}); use a .json request or an .npz file with one member per input`,
    );
  }
  return sig.inputs[0]!;
}

/** A NumPy array as a column of the input's dtype. */
function npyColumn(arr: NpyArray, spec: TensorSpec, where: string): Column {
  if (Array.isArray(arr.data) || spec.dtype === "string") {
    throw new StrataError(
      `predict: ${where} holds ${Array.isArray(arr.data) ? "Python objects" : `numbers (${arr.descr})`}; ` +
        `input "${spec.name}" takes ${spec.dtype} values`,
    );
  }
  const values = allocate(spec.dtype, arr.data.length);
  values.set(arr.data as TypedArray);
  return checkShape({ dtype: spec.dtype, values, shape: arr.shape }, spec);
}

async function imageColumn(
  files: readonly string[],
  spec: TensorSpec,
  flags: PredictFlags,
): Promise<Column> {
  const [, height, width, channels] = spec.shape;
  const rank = spec.shape.length;
  if (
    (rank !== 3 && rank !== 4) ||
    height == null ||
    width == null ||
    (rank === 4 && ![1, 3, 4].includes(channels!))
  ) {
    throw new StrataError(
      `predict: images need a model input of shape [-1, height, width, channels] (channels 1, 3 or 4) ` +
        `or [-1, height, width]; input "${spec.name}" has shape [${spec.shape.map((d) => d ?? -1).join(",")}]`,
    );
  }
  const c = rank === 3 ? 1 : channels!;
  const colorMode = c === 1 ? "grayscale" : c === 3 ? "rgb" : "rgba";
  const size = height * width * c;
  const values = allocate(spec.dtype === "string" ? "float32" : spec.dtype, size * files.length);
  for (const [i, file] of files.entries()) {
    const img = await loadImg(file, {
      colorMode,
      targetSize: [height, width],
      interpolation: flags.interpolation,
    });
    const scale = flags.rescale ?? 1;
    for (let k = 0; k < size; k++) values[i * size + k] = img.data[k]! * scale;
  }
  return {
    dtype: spec.dtype,
    values,
    shape: [files.length, ...spec.shape.slice(1).map((d) => d!)],
  };
}

/** The request the inputs make, checked against the model's signature. */
async function readRequest(
  inputs: readonly string[],
  sig: Signature,
  flags: PredictFlags,
): Promise<PredictRequest> {
  const ext = (f: string) => extname(f).toLowerCase();
  if (inputs.every((f) => IMAGE_EXTENSIONS.includes(ext(f)))) {
    const column = await imageColumn(inputs, onlyInput(sig, "an image"), flags);
    return { format: "row", rows: inputs.length, inputs: [column] };
  }
  if (inputs.length !== 1) {
    throw new StrataError(
      `predict: expected one .json, .npy or .npz file, or image files; received ${inputs.length} files (${inputs.join(", ")})`,
    );
  }
  const file = inputs[0]!;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new StrataError(`predict: could not read "${file}" (${(err as Error).message})`);
  }
  if (ext(file) === ".json") {
    const body = parseRequestJson(new TextDecoder().decode(bytes));
    return decodePredictRequest(Array.isArray(body) ? { instances: body } : body, sig);
  }
  if (ext(file) === ".npy") {
    const column = npyColumn(
      parseNpy(bytes, { keepFloat64: true }, file),
      onlyInput(sig, "an .npy file"),
      file,
    );
    return { format: "row", rows: column.shape[0]!, inputs: [column] };
  }
  if (ext(file) === ".npz") {
    const members = parseNpz(bytes, { keepFloat64: true }, file);
    const columns = sig.inputs.map((spec) => {
      const arr = members.get(spec.name);
      if (!arr) {
        throw new StrataError(
          `predict: ${file} has no member "${spec.name}"; expected one per model input ` +
            `(${sig.inputs.map((s) => s.name).join(", ")}), found ${[...members.keys()].join(", ") || "none"}`,
        );
      }
      return npyColumn(arr, spec, `${file}/${spec.name}.npy`);
    });
    const rows = columns[0]!.shape[0]!;
    if (columns.some((c) => c.shape[0] !== rows)) {
      throw new StrataError(`predict: the members of ${file} have different numbers of rows`);
    }
    return { format: "row", rows, inputs: columns };
  }
  throw new StrataError(
    `predict: cannot read "${file}": expected a .json request, a .npy / .npz file or images (${IMAGE_EXTENSIONS.join(" ")})`,
  );
}

export function registerPredict(program: Command): void {
  program
    .command("predict")
    .description(
      "print a saved model's predictions for a JSON request, a NumPy file or images, as JSON",
    )
    .argument("<file>", "the model file (.keras, or legacy .h5)")
    .argument(
      "<input...>",
      'a .json file (TF Serving\'s {"instances": …} / {"inputs": …}, or a list of instances), ' +
        "a .npy file (.npz: one member per input), or image files",
    )
    .option("--batch-size <n>", "rows per model call", positiveInteger, 32)
    .option("--rescale <factor>", "multiply image pixel values (0–255) by this, e.g. 1/255", factor)
    .option(
      "--interpolation <method>",
      `image resize filter: ${INTERPOLATIONS.join(", ")}`,
      interpolation,
      "nearest",
    )
    .action(async (file: string, inputs: string[], flags: PredictFlags) => {
      const model = await loadModel(file, { compile: false });
      const servable = new Servable(file, 1, model, {
        maxBatchSize: flags.batchSize,
        batchTimeoutMs: 0,
      });
      const request = await readRequest(inputs, servable.signature, flags);
      const slice = await servable.batcher.submit(request.inputs);
      console.log(encodePrediction(slice.outputs, request.format, slice.start, slice.end));
    });
}
