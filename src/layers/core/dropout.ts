import { ValueError } from "../../errors.js";
import { dropout } from "../../ops/nn.js";
import { zerosLike } from "../../tensor/creation.js";
import { type DType, isFloat } from "../../tensor/dtype.js";
import { ForkedSeed, SeedGenerator } from "../../tensor/random.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { type CallOptions, Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

export interface DropoutArgs extends LayerArgs {
  /**
   * Shape of the keep/drop mask, one entry per input axis: 1 shares a decision along that axis,
   * null takes the input's size (Keras `noise_shape`, e.g. `[null, 1, null]`).
   */
  noiseShape?: readonly (number | null)[] | null;
  /** Fixes the layer's random stream; without it the stream is forked from the global one. */
  seed?: number | null;
}

/** Checks Keras's `0 <= rate <= 1` for the dropout family. */
export function checkRate(rate: unknown, where: string, arg = "rate"): number {
  if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) {
    throw new ValueError(
      `${where}: ${arg} must be a number between 0 and 1; received ${arg}=${String(rate)}`,
    );
  }
  return rate;
}

export function checkSeed(seed: unknown, where: string): number | null {
  if (seed === undefined || seed === null) return null;
  if (typeof seed !== "number" || !Number.isInteger(seed)) {
    throw new ValueError(
      `${where}: seed must be an integer or null; received seed=${String(seed)}`,
    );
  }
  return seed;
}

/**
 * Keras `Dropout`: in training, zeroes each entry with probability `rate` and scales the kept
 * ones by 1/(1 − rate); at inference it is the identity. Every call draws a fresh seed from the
 * layer's own SeedGenerator, so `st.random.setSeed` (or `seed`) makes the masks reproducible.
 */
export class Dropout extends Layer {
  readonly rate: number;
  readonly seed: number | null;
  readonly noiseShape: (number | null)[] | null;
  protected readonly seedGenerator: SeedGenerator | null;

  constructor(rate: number, args: DropoutArgs = {}) {
    super(args);
    this.rate = checkRate(rate, this.where());
    this.seed = checkSeed(args.seed, this.where());
    this.noiseShape = args.noiseShape ? [...args.noiseShape] : null;
    if (this.noiseShape) {
      this.noiseShape.forEach((d, i) => {
        if (d !== null && !(Number.isInteger(d) && d > 0)) {
          throw new ValueError(
            `${this.where()}: noiseShape entries must be positive integers or null; received ` +
              `${JSON.stringify(args.noiseShape)} (entry ${i})`,
          );
        }
      });
    }
    this.seedGenerator = this.rate > 0 ? new SeedGenerator(this.seed ?? undefined) : null;
    this.supportsMasking = true;
    this.built = true;
  }

  /** The mask shape for these inputs (null: one decision per entry). */
  protected noiseShapeFor(_inputs: Tensor): readonly (number | null)[] | undefined {
    return this.noiseShape ?? undefined;
  }

  call(inputs: Tensor, opts: CallOptions = {}): Tensor {
    if (!opts.training || this.rate === 0 || !this.seedGenerator) return inputs;
    const noiseShape = this.noiseShapeFor(inputs);
    // rate = 1 drops everything (the op's 1/(1 − rate) scale would be infinite); no gradient flows.
    if (this.rate === 1) {
      dropout(inputs, 0, { noiseShape }); // still validates noiseShape against the input
      return zerosLike(inputs, isFloat(inputs.dtype) ? inputs.dtype : "float32");
    }
    return dropout(inputs, this.rate, {
      noiseShape,
      seed: new ForkedSeed(this.seedGenerator.generator),
    });
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return inputShape;
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      rate: this.rate,
      seed: this.seed,
      noise_shape: this.noiseShape ? [...this.noiseShape] : null,
    };
  }

  static fromConfig(config: Record<string, unknown>): Dropout {
    const { rate, ...args } = fromKerasConfig(config);
    return new Dropout(rate as number, args as DropoutArgs);
  }
}

registerKerasLayers({ Dropout });
