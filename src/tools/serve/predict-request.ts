/**
 * The body of a `:predict` request, decoded as TensorFlow Serving decodes it (json_tensor.cc):
 * `{"instances": …}` in row format (a list, one item per row; a list of objects keyed by input
 * name for several inputs) or `{"inputs": …}` in columnar format (one value, or an object keyed
 * by input name), an optional `"signature_name"` that must be "serving_default", values checked
 * against each input's dtype (a float input takes numbers, an int input integers, a string input
 * strings or `{"b64": …}`, a bool input true / false) and the nested lists checked to be dense.
 * Unlike TF Serving, which leaves it to the graph, the shapes are then checked against the
 * model's inputs here, so a wrong shape is a 400 that names expected and received shapes. As in
 * Keras's predict, a flat list for an input of shape [-1,1] is taken as its column.
 */
import { ShapeError, ValueError, DTypeError } from "../../errors.js";
import { allocate, type TypedArray } from "../../tensor/dtype.js";
import type { Column } from "./columns.js";
import { fmtSpecShape, type Signature, type TensorSpec, TF_DTYPE_NAMES } from "./signature.js";

export type RequestFormat = "row" | "columnar";

export interface PredictRequest {
  readonly format: RequestFormat;
  readonly rows: number;
  /** one column per signature input, in the signature's order */
  readonly inputs: readonly Column[];
}

const SIGNATURE = "serving_default";

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isB64 = (v: Json): v is { b64: string } =>
  isObject(v) && Object.keys(v).length === 1 && typeof v.b64 === "string";
const isItemObject = (v: Json) => isObject(v) && !isB64(v);

/** A JSON value as TF Serving's messages show it, shortened. */
function show(v: Json): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Decodes and checks a parsed `:predict` body against the model's signature. */
export function decodePredictRequest(body: Json, sig: Signature): PredictRequest {
  if (!isObject(body)) throw new ValueError(`JSON Value: ${show(body)} Is not object`);
  const name = body.signature_name;
  if (name !== undefined) {
    if (typeof name !== "string") {
      throw new ValueError(
        `JSON Value: ${show(body)} not formatted correctly. 'signature_name' key must be a string value.`,
      );
    }
    if (name !== "" && name !== SIGNATURE) {
      throw new ValueError(`Serving signature name: "${name}" not found in signature def`);
    }
  }
  const hasInstances = "instances" in body;
  const hasInputs = "inputs" in body;
  if (hasInstances && hasInputs) {
    throw new ValueError(
      "Not formatted correctly: expecting only one of 'inputs' or 'instances' keys to exist",
    );
  }
  if (!hasInstances && !hasInputs) throw new ValueError("Missing 'inputs' or 'instances' key");
  const raw = hasInstances ? rowInputs(body.instances, sig) : columnarInputs(body.inputs, sig);
  const inputs = sig.inputs.map((spec, i) => checkShape(decodeTensor(raw[i], spec), spec));
  const rows = inputs[0]!.shape[0]!;
  for (const [i, c] of inputs.entries()) {
    if (c.shape[0] !== rows) {
      throw new ShapeError(
        `inputs have different batch sizes: "${sig.inputs[0]!.name}" has ${rows} rows, ` +
          `"${sig.inputs[i]!.name}" has ${c.shape[0]}`,
      );
    }
  }
  if (rows === 0) throw new ValueError("No values in the request: expected at least one row");
  return { format: hasInstances ? "row" : "columnar", rows, inputs };
}

/** Row format: per input, the list of its rows' values. */
function rowInputs(instances: Json, sig: Signature): Json[] {
  if (!Array.isArray(instances)) throw new ValueError("Expecting 'instances' to be an list/array");
  if (instances.length === 0) throw new ValueError("No values in 'instances' array");
  const names = sig.inputs.map((s) => s.name);
  if (!isItemObject(instances[0])) {
    if (names.length > 1) {
      throw new ValueError(
        `instances is a plain list, but expecting list of objects as multiple input tensors ` +
          `required: ${names.join(",")}`,
      );
    }
    instances.forEach((item, i) => {
      if (isItemObject(item)) {
        throw new ValueError(`Expecting value/list but got object at item ${i} of input list`);
      }
    });
    return [instances];
  }
  const want = [...names].sort().join(",");
  instances.forEach((item, i) => {
    if (!isItemObject(item)) {
      throw new ValueError(`Expecting object but got list at item ${i} of input list`);
    }
    const keys = Object.keys(item).sort().join(",");
    if (keys !== want) {
      throw new ValueError(
        `Failed to process element: ${i} of 'instances' list. JSON object: ${show(item)} keys ` +
          `must be equal to: ${want}`,
      );
    }
  });
  return names.map((n) => instances.map((item) => (item as Record<string, Json>)[n]));
}

/** Columnar format: per input, its whole value. */
function columnarInputs(inputs: Json, sig: Signature): Json[] {
  if (!isItemObject(inputs)) {
    if (sig.inputs.length > 1) {
      throw new ValueError(
        "inputs is a plain value/list, but expecting an object as multiple input tensors " +
          `required: ${sig.inputs.map((s) => s.name).join(",")}`,
      );
    }
    return [inputs];
  }
  const obj = inputs as Record<string, Json>;
  for (const key of Object.keys(obj)) {
    if (!sig.inputs.some((s) => s.name === key)) {
      throw new ValueError(
        `'inputs' object has an unknown input "${key}"; the model's inputs are: ` +
          sig.inputs.map((s) => s.name).join(","),
      );
    }
  }
  return sig.inputs.map((s) => {
    if (!(s.name in obj))
      throw new ValueError(`Missing named input: ${s.name} in 'inputs' object.`);
    return obj[s.name];
  });
}

/** The dense shape of nested lists, read down their first items. */
function denseShape(v: Json): number[] {
  const shape: number[] = [];
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

/** One input's JSON value as a column of the input's dtype. */
function decodeTensor(value: Json, spec: TensorSpec): Column {
  const shape = denseShape(value);
  const size = shape.reduce((a, b) => a * b, 1);
  const put = leafWriter(spec, size);
  let count = 0;
  const walk = (v: Json, level: number): void => {
    if (!Array.isArray(v)) {
      if (level !== shape.length) {
        throw new ShapeError(
          `input "${spec.name}": JSON Value: ${show(v)} found at incorrect level: ${level + 1} ` +
            `in the JSON DOM. Expected at level: ${shape.length} (the nested lists are not dense)`,
        );
      }
      put(v, count++);
      return;
    }
    if (level >= shape.length) {
      throw new ShapeError(
        `input "${spec.name}": encountered list at unexpected level: ${level} expected < ${shape.length}`,
      );
    }
    if (v.length !== shape[level]) {
      throw new ShapeError(
        `input "${spec.name}": encountered list at unexpected size: ${v.length} at level: ` +
          `${level} expected size: ${shape[level]} (the nested lists are not dense)`,
      );
    }
    for (const item of v) walk(item, level + 1);
  };
  walk(value, 0);
  return { dtype: spec.dtype, values: put.values, shape };
}

interface LeafWriter {
  (v: Json, i: number): void;
  values: TypedArray | string[];
}

/** Stores leaf values of the spec's dtype, refusing a JSON value of another type. */
function leafWriter(spec: TensorSpec, size: number): LeafWriter {
  const typeError = (v: Json): never => {
    const type = v === null ? "Null" : Array.isArray(v) ? "Array" : typeof v;
    throw new DTypeError(
      `input "${spec.name}": JSON Value: ${show(v)} Type: ${type} is not of expected type: ` +
        `${TF_DTYPE_NAMES[spec.dtype]}`,
    );
  };
  if (spec.dtype === "string") {
    const values: string[] = new Array<string>(size);
    const put = ((v: Json, i: number) => {
      if (typeof v === "string") values[i] = v;
      else if (isB64(v)) values[i] = Buffer.from(v.b64, "base64").toString("utf8");
      else typeError(v);
    }) as LeafWriter;
    put.values = values;
    return put;
  }
  const values = allocate(spec.dtype, size);
  const check: (v: Json) => boolean =
    spec.dtype === "bool"
      ? (v) => typeof v === "boolean"
      : spec.dtype === "int32"
        ? (v) => Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31
        : spec.dtype === "uint8"
          ? (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255
          : (v) => typeof v === "number";
  const put = ((v: Json, i: number) => {
    if (!check(v)) typeError(v);
    values[i] = v === true ? 1 : v === false ? 0 : (v as number);
  }) as LeafWriter;
  put.values = values;
  return put;
}

/** The column with the input's shape, or a ShapeError naming expected and received shapes. */
export function checkShape(c: Column, spec: TensorSpec): Column {
  let shape = c.shape;
  // Keras's predict takes a flat array for an input of shape (None, 1) as that column.
  if (shape.length === 1 && spec.shape.length === 2 && spec.shape[1] === 1) shape = [shape[0]!, 1];
  const fits =
    shape.length === spec.shape.length && spec.shape.every((d, i) => d === null || d === shape[i]);
  if (!fits) {
    throw new ShapeError(
      `input "${spec.name}": expected shape ${fmtSpecShape(spec.shape)} (-1: any size; the ` +
        `first axis is the batch), received ${fmtSpecShape(c.shape)}`,
    );
  }
  return shape === c.shape ? c : { ...c, shape };
}
