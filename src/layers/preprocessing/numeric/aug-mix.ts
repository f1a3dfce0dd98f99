/**
 * Keras `AugMix`: in training, augments the batch along `numChains` chains, each of up to
 * `chainDepth` operations (at each step an operation is chosen uniformly from Keras's list or
 * none at all), mixes the chains with weights m ~ Dirichlet(alpha, …, alpha) and blends the mix
 * with the original through a skip weight w ~ Beta(alpha, alpha):
 * out = clip(w · x + (1 − w) · Σ m_i · chain_i(x), valueRange). The weights sum to 1, so chains of
 * no operations give back x. The draws are made once per batch (as Keras does); the operations
 * (augment-ops.ts, at strength `factor`, default 0.3) draw their parameters per image. With
 * `allOps` false the colour operations (brightness, colour degeneration, contrast, sharpness) are
 * left out. The identity at inference. (Keras 3.16's `get_config` writes `num_chains` and
 * `chain_depth` swapped; Strata writes each under its own key and reads them so.)
 */
import { ValueError } from "../../../errors.js";
import { add, clip, multiply } from "../../../ops/elementwise.js";
import type { Generator } from "../../../tensor/random.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import type { AffineInterpolation } from "../image/affine-layer.js";
import {
  type BaseImageLayerArgs,
  BaseImagePreprocessingLayer,
  parseFactor,
} from "../image/base-image-layer.js";
import {
  type AugmentOpName,
  checkCount,
  checkInterpolation,
  choiceIndex,
  attachAugmentOps,
} from "./augment-ops.js";
import { sortedValueRange } from "./color-args.js";
import { betaSample, gammaSample } from "./mix-draws.js";

/** Keras's `AUGMENT_LAYERS` (allOps false), in its order. */
export const AUG_MIX_OPS: readonly AugmentOpName[] = [
  "random_shear",
  "random_translation",
  "random_rotation",
  "random_posterization",
  "solarization",
  "auto_contrast",
  "equalization",
];

/** Keras's `AUGMENT_LAYERS_ALL` (allOps true): the above and the colour operations. */
export const AUG_MIX_ALL_OPS: readonly AugmentOpName[] = [
  ...AUG_MIX_OPS,
  "random_brightness",
  "random_color_degeneration",
  "random_contrast",
  "random_sharpness",
];

export interface AugMixArgs extends BaseImageLayerArgs {
  /** the images' range, [0, 255] by default; outputs are clipped to it */
  valueRange?: readonly [number, number];
  /** how many chains are mixed (default 3) */
  numChains?: number;
  /** the most operations in a chain (default 3) */
  chainDepth?: number;
  /** the operations' strength in [0, 1]: a number f gives [0, f] (default 0.3) */
  factor?: number | readonly [number, number];
  /** the Dirichlet and Beta parameter (default 1) */
  alpha?: number;
  /** include the colour operations (default true) */
  allOps?: boolean;
  /** for shear, translation and rotation: "bilinear" (default) or "nearest" */
  interpolation?: AffineInterpolation;
}

/** One batch's draws: each chain's operation indices, the chain weights and the skip weight. */
export interface AugMixDraw {
  chains: number[][];
  chainWeights: number[];
  skipWeight: number;
}

/** One sample of Dirichlet(alpha, …, alpha) with `k` components: Gamma samples normalized. */
export function dirichletSample(rng: Generator, k: number, alpha: number): number[] {
  const g = Array.from({ length: k }, () => gammaSample(rng, alpha));
  const total = g.reduce((a, b) => a + b, 0);
  return total > 0 ? g.map((v) => v / total) : g.map(() => 1 / k);
}

export class AugMix extends BaseImagePreprocessingLayer {
  readonly valueRange: [number, number];
  readonly numChains: number;
  readonly chainDepth: number;
  readonly factor: [number, number];
  readonly alpha: number;
  readonly allOps: boolean;
  readonly interpolation: AffineInterpolation;
  // Kept off the enumerable attributes: the .keras layout finds each op as its own attribute.
  readonly #ops: readonly BaseImagePreprocessingLayer[];

  constructor(args: AugMixArgs = {}) {
    super(args, { random: true });
    this.valueRange = sortedValueRange(args.valueRange ?? [0, 255], this.where());
    this.numChains = checkCount(args.numChains ?? 3, 1, this.where(), "numChains");
    this.chainDepth = checkCount(args.chainDepth ?? 3, 0, this.where(), "chainDepth");
    this.factor = parseFactor(args.factor ?? 0.3, [0, 1], this.where());
    const alpha = args.alpha ?? 1.0;
    if (typeof alpha !== "number" || !Number.isFinite(alpha) || !(alpha > 0)) {
      throw new ValueError(
        `${this.where()}: alpha must be a positive number; received alpha=${String(alpha)}`,
      );
    }
    this.alpha = alpha;
    this.allOps = args.allOps ?? true;
    if (typeof this.allOps !== "boolean") {
      throw new ValueError(
        `${this.where()}: allOps must be true or false; received ${JSON.stringify(args.allOps)}`,
      );
    }
    this.interpolation = checkInterpolation(args.interpolation ?? "bilinear", this.where());
    const settings = {
      factor: this.factor,
      valueRange: this.valueRange,
      interpolation: this.interpolation,
      seed: this.seed,
      dataFormat: this.dataFormat,
      dtype: this.dtype,
    };
    const names = this.allOps ? AUG_MIX_ALL_OPS : AUG_MIX_OPS;
    this.#ops = attachAugmentOps(this, names, settings);
  }

  /** One batch's draws from the layer's stream. */
  drawMix(): AugMixDraw {
    const chainWeights = dirichletSample(this.rng, this.numChains, this.alpha);
    const skipWeight = betaSample(this.rng, this.alpha, this.alpha);
    const chains = Array.from({ length: this.numChains }, () => {
      const chain: number[] = [];
      for (let d = 0; d < this.chainDepth; d++) {
        // Keras chooses among the operations and None.
        const k = choiceIndex(this.rng.uniform(), this.#ops.length + 1);
        if (k < this.#ops.length) chain.push(k);
      }
      return chain;
    });
    return { chains, chainWeights, skipWeight };
  }

  /** The operations chosen from, in Keras's order; each is also the attribute Keras names it. */
  get ops(): readonly BaseImagePreprocessingLayer[] {
    return this.#ops;
  }

  protected transformImages(images: Tensor): Tensor {
    const { chains, chainWeights, skipWeight } = this.drawMix();
    let mixed: Tensor | null = null;
    for (const [i, chain] of chains.entries()) {
      let x = images;
      for (const k of chain) x = this.#ops[k]!.apply(x, { training: true });
      const weighted = multiply(x, chainWeights[i]!);
      mixed = mixed === null ? weighted : add(mixed, weighted);
    }
    const out = add(multiply(images, skipWeight), multiply(mixed!, 1 - skipWeight));
    return clip(out, this.valueRange[0], this.valueRange[1]);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      value_range: [...this.valueRange],
      num_chains: this.numChains,
      chain_depth: this.chainDepth,
      factor: [...this.factor],
      alpha: this.alpha,
      all_ops: this.allOps,
      interpolation: this.interpolation,
    };
  }

  static fromConfig(config: Record<string, unknown>): AugMix {
    return new AugMix(fromKerasConfig(config) as AugMixArgs);
  }
}

registerKerasLayers({ AugMix });
