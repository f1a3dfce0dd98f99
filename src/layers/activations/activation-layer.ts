/**
 * What Keras's activation layers (ReLU, LeakyReLU, ELU, Softmax) share: no weights (built at
 * construction, so Keras writes no build_config), masks passed through, the input's shape, float
 * inputs keeping their dtype and others computed in float32 (as the activation ops do), and
 * Keras's refusal of options it does not know.
 */
import { ValueError } from "../../errors.js";
import { type DType, isFloat } from "../../tensor/dtype.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";

/** The options every layer takes (LayerArgs). */
const LAYER_OPTIONS = [
  "name",
  "trainable",
  "dtype",
  "inputShape",
  "batchSize",
  "activityRegularizer",
];

/**
 * Refuses an option that is neither the layer's own nor a LayerArgs one, naming it and what is
 * accepted (Keras raises on unknown keyword arguments).
 */
export function checkOptions(args: object, own: readonly string[], where: string): void {
  for (const key of Object.keys(args)) {
    if (!own.includes(key) && !LAYER_OPTIONS.includes(key)) {
      throw new ValueError(
        `${where}: unknown option '${key}'; expected one of ${[...own, ...LAYER_OPTIONS].join(", ")}`,
      );
    }
  }
}

/** Checks a Keras `Float >= 0` argument (null allowed where Keras allows None). */
export function nonNegative(
  value: unknown,
  where: string,
  arg: string,
  nullable = false,
): number | null {
  if (nullable && (value === null || value === undefined)) return null;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ValueError(
      `${where}: ${arg} must be a number >= 0${nullable ? " or null" : ""}; received ${arg}=${String(value)}`,
    );
  }
  return value;
}

/** A weightless, shape-preserving activation layer. */
export abstract class ActivationLayer extends Layer {
  /** Keras builds these at construction: no build_config in their saved form. */
  static readonly builtAtInit = true;

  constructor(args: LayerArgs, own: readonly string[]) {
    super(args);
    checkOptions(args, own, this.where());
    this.supportsMasking = true;
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return inputShape;
  }

  /** Float inputs keep their precision; integers become float32, as the activation ops do. */
  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    const d = inputDtypes[0];
    return d !== undefined && isFloat(d) ? d : "float32";
  }
}
