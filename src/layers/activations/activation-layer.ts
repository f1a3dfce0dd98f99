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

/** Edit distance, to suggest the option that was meant. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1;
      next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + cost));
    }
    row = next;
  }
  return row[b.length]!;
}

/**
 * Refuses an option that is neither the layer's own nor a LayerArgs one (Keras raises on unknown
 * keyword arguments), naming it and the closest valid one. `renamed` maps older Keras names to
 * the current ones ("alpha" → "negativeSlope") for a precise hint.
 */
export function checkOptions(
  args: object,
  own: readonly string[],
  where: string,
  renamed: Readonly<Record<string, string>> = {},
): void {
  const valid = [...own, ...LAYER_OPTIONS];
  for (const key of Object.keys(args)) {
    if (valid.includes(key)) continue;
    const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const closest =
      renamed[key] ??
      (valid.includes(camel) ? camel : null) ??
      [...valid].sort((a, b) => distance(key, a) - distance(key, b))[0]!;
    const hint =
      renamed[key] !== undefined
        ? ` (Keras 3 calls it '${closest}')`
        : distance(key, closest) <= Math.max(2, key.length / 3) || closest === camel
          ? ` (did you mean '${closest}'?)`
          : "";
    throw new ValueError(
      `${where}: unknown option '${key}'${hint}; valid options: ${valid.join(", ")}`,
    );
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

  constructor(
    args: LayerArgs,
    own: readonly string[],
    renamed: Readonly<Record<string, string>> = {},
  ) {
    super(args);
    checkOptions(args, own, this.where(), renamed);
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
