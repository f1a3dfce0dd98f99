/**
 * What a served model takes and gives, as TensorFlow Serving describes a SavedModel's
 * `serving_default` signature: named inputs and outputs with their dtypes and shapes (the batch
 * axis first, unknown sizes as -1). Inputs are keyed by the model's input names and outputs by
 * its output names (the output layers', or the keys of a dict of outputs), as tf.keras exported
 * them to SavedModel.
 */
import { ValueError } from "../../errors.js";
import type { Model } from "../../models/model.js";
import type { DType } from "../../tensor/dtype.js";

/** One named tensor of the signature: its shape has the batch axis first, null where unknown. */
export interface TensorSpec {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly (number | null)[];
}

export interface Signature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

/** TensorFlow's names for Strata's dtypes (`DataType` in types.proto). */
export const TF_DTYPES: Readonly<Record<DType, string>> = {
  float32: "DT_FLOAT",
  float64: "DT_DOUBLE",
  int32: "DT_INT32",
  uint8: "DT_UINT8",
  bool: "DT_BOOL",
  string: "DT_STRING",
};

/** TensorFlow's short dtype names, as its messages print them ("float", "int32" …). */
export const TF_DTYPE_NAMES: Readonly<Record<DType, string>> = {
  float32: "float",
  float64: "double",
  int32: "int32",
  uint8: "uint8",
  bool: "bool",
  string: "string",
};

/** The signature of a functional or Sequential model (one with symbolic inputs and outputs). */
export function signatureOf(model: Model, where: string): Signature {
  if (model.inputs.length === 0) {
    throw new ValueError(
      `${where}: model "${model.name}" has no defined inputs; a served model must be functional ` +
        `or a Sequential model with an Input (a subclassed model has no signature to serve)`,
    );
  }
  const inputs = model.inputs.map((t, i) => ({
    name: model.inputNames[i]!,
    dtype: t.dtype,
    shape: [...t.shape],
  }));
  const outputs = model.outputs.map((t, i) => ({
    name: model.outputNames[i]!,
    dtype: t.dtype,
    shape: [...t.shape],
  }));
  return { inputs, outputs };
}

/** A shape as TensorFlow Serving prints it: `[-1,784]`. */
export function fmtSpecShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => d ?? -1).join(",")}]`;
}

/** The `signature_def` map of GetModelMetadataResponse, as TF Serving writes it in JSON. */
export function signatureDefJson(sig: Signature): Record<string, unknown> {
  const info = (specs: readonly TensorSpec[], prefix: string) =>
    Object.fromEntries(
      specs.map((s, i) => [
        s.name,
        {
          dtype: TF_DTYPES[s.dtype],
          tensor_shape: {
            dim: s.shape.map((d) => ({ size: String(d ?? -1), name: "" })),
            unknown_rank: false,
          },
          name: prefix === "in" ? `serving_default_${s.name}:0` : `StatefulPartitionedCall:${i}`,
        },
      ]),
    );
  return {
    signature_def: {
      serving_default: {
        inputs: info(sig.inputs, "in"),
        outputs: info(sig.outputs, "out"),
        method_name: "tensorflow/serving/predict",
        defaults: {},
      },
    },
  };
}
