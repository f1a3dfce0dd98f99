import { ValueError } from "../../errors.js";
import { add, cast, multiply } from "../../ops/elementwise.js";
import { take } from "../../ops/gather.js";
import { repeat } from "../../ops/join.js";
import { type DType, isFloat } from "../../tensor/dtype.js";
import { Tensor } from "../../tensor/tensor.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../symbolic.js";
import { fromKerasConfig } from "../config.js";
import { checkDataFormat, checkInputRank, standardizeTuple } from "./conv-utils.js";

export interface UpSampling2DArgs extends LayerArgs {
  /** Row and column factors: one number for both, or [rows, cols] (default 2). */
  size?: number | readonly number[];
  /** "nearest" (repeat each pixel) or "bilinear" (half-pixel-centred linear interpolation). */
  interpolation?: "nearest" | "bilinear";
  dataFormat?: "channels_last" | "channels_first" | null;
}

/** Keras's other `ops.image.resize` methods, not implemented in Strata. */
const UNSUPPORTED = ["bicubic", "lanczos3", "lanczos5", "area"];

/**
 * Keras UpSampling2D: repeats rows and columns of (batch, height, width, channels) inputs by
 * integer factors ("nearest"), or resizes them bilinearly to (height·f, width·g).
 */
export class UpSampling2D extends Layer {
  readonly size: number[];
  readonly interpolation: "nearest" | "bilinear";
  readonly dataFormat: "channels_last";

  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    const where = this.where();
    this.dataFormat = checkDataFormat(args.dataFormat, where);
    this.size = standardizeTuple(args.size ?? 2, 2, "size", where);
    const interp = String(args.interpolation ?? "nearest").toLowerCase();
    if (interp !== "nearest" && interp !== "bilinear") {
      const why = UNSUPPORTED.includes(interp)
        ? "is not implemented in Strata"
        : "is not a Keras interpolation";
      throw new ValueError(
        `${where}: interpolation ${JSON.stringify(interp)} ${why}; expected "nearest" or ` +
          `"bilinear"; received interpolation=${JSON.stringify(args.interpolation)}`,
      );
    }
    this.interpolation = interp;
  }

  override build(inputShape: ShapeSpec): void {
    checkInputRank(inputShape, 2, this.where());
  }

  call(inputs: Tensor): Tensor {
    checkInputRank(inputs.shape, 2, this.where());
    if (this.interpolation === "nearest") {
      return repeat(repeat(inputs, this.size[0]!, 1), this.size[1]!, 2);
    }
    const x = isFloat(inputs.dtype) ? inputs : cast(inputs, this.dtype);
    return resizeAxis(resizeAxis(x, 1, this.size[0]!), 2, this.size[1]!);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    checkInputRank(inputShape, 2, this.where());
    const [b, h, w, c] = inputShape;
    return [b!, h === null ? null : h! * this.size[0]!, w === null ? null : w! * this.size[1]!, c!];
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    const d = inputDtypes[0] ?? this.dtype;
    return this.interpolation === "nearest" || isFloat(d) ? d : this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      size: [...this.size],
      data_format: this.dataFormat,
      interpolation: this.interpolation,
    };
  }

  static fromConfig(config: Record<string, unknown>): UpSampling2D {
    return new UpSampling2D(fromKerasConfig(config) as UpSampling2DArgs);
  }
}

/**
 * Bilinear upsampling of one axis by an integer factor, with half-pixel centres (TF's resize v2,
 * jax.image.resize, torch align_corners=False — what Keras's backends all compute): output j
 * samples the input at s = (j + ½) / factor − ½, clamped to the first and last cell, and
 * out[j] = (1 − t)·x[⌊s⌋] + t·x[⌊s⌋ + 1] with t = s − ⌊s⌋. A constant weighting of two gathers,
 * so the gradient scatters dy back with the same weights.
 */
function resizeAxis(x: Tensor, axis: number, factor: number): Tensor {
  const n = x.shape[axis]!;
  const m = n * factor;
  const lo = new Int32Array(m);
  const hi = new Int32Array(m);
  const wLo = new Float64Array(m);
  const wHi = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const s = Math.min(Math.max((j + 0.5) / factor - 0.5, 0), n - 1);
    const f = Math.floor(s);
    lo[j] = f;
    hi[j] = Math.min(f + 1, n - 1);
    wHi[j] = s - f;
    wLo[j] = 1 - wHi[j]!;
  }
  const wShape = x.shape.map((d, i) => (i === axis ? m : 1));
  const weights = (w: Float64Array): Tensor =>
    cast(new Tensor(w, wShape), x.dtype === "float64" ? "float64" : "float32");
  return add(
    multiply(take(x, new Tensor(lo, [m]), axis), weights(wLo)),
    multiply(take(x, new Tensor(hi, [m]), axis), weights(wHi)),
  );
}
