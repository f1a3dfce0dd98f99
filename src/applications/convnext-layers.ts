/**
 * The two layers Keras defines in keras/src/applications/convnext.py, under its class names,
 * module and config keys, so ConvNeXt models save and load as Keras writes them:
 * - `LayerScale(init_values, projection_dim)`: multiplies the last axis by a trainable
 *   `gamma` of `projection_dim` values, all starting at `init_values`;
 * - `StochasticDepth(drop_path_rate)`: in training keeps each sample's residual branch with
 *   probability 1 − rate, scaled by 1/(1 − rate), else zeroes it; the identity at inference.
 */
import { ValueError } from "../errors.js";
import type { Variable } from "../autodiff/variable.js";
import { add, divide, floor, multiply } from "../ops/elementwise.js";
import { fromKerasConfig } from "../layers/config.js";
import { checkRate } from "../layers/core/dropout.js";
import { type CallOptions, Layer, type LayerArgs } from "../layers/layer.js";
import { registerBuiltInLayer } from "../layers/registry.js";
import type { ShapeSpec } from "../layers/shape-spec.js";
import { Constant } from "../nn/initializers.js";
import { SeedGenerator, uniform } from "../tensor/random.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";

const MODULE = "keras.src.applications.convnext";

/** Keras's ConvNeXt `LayerScale`: x · gamma, gamma of shape (projection_dim,). */
export class LayerScale extends Layer {
  readonly initValues: number;
  readonly projectionDim: number;
  gamma!: Variable;

  constructor(initValues: number, projectionDim: number, args: LayerArgs = {}) {
    super(args);
    if (typeof initValues !== "number" || !Number.isFinite(initValues)) {
      throw new ValueError(
        `${this.where()}: initValues must be a number; received ${String(initValues)}`,
      );
    }
    if (!Number.isInteger(projectionDim) || projectionDim < 1) {
      throw new ValueError(
        `${this.where()}: projectionDim must be a positive integer; received ${String(projectionDim)}`,
      );
    }
    this.initValues = initValues;
    this.projectionDim = projectionDim;
  }

  override build(inputShape: ShapeSpec): void {
    const last = inputShape.at(-1);
    if (last !== null && last !== undefined && last !== this.projectionDim) {
      throw new ValueError(
        `${this.where()}: the input's last axis (${last}) must equal projectionDim ` +
          `(${this.projectionDim})`,
      );
    }
    this.gamma = this.addWeight({
      name: "gamma",
      shape: [this.projectionDim],
      initializer: new Constant({ value: this.initValues }),
      trainable: true,
    });
  }

  call(inputs: Tensor): Tensor {
    return multiply(inputs, this.gamma.value);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      init_values: this.initValues,
      projection_dim: this.projectionDim,
    };
  }

  static fromConfig(config: Record<string, unknown>): LayerScale {
    const { initValues, projectionDim, ...args } = fromKerasConfig(config);
    return new LayerScale(initValues as number, projectionDim as number, args as LayerArgs);
  }
}

/**
 * Keras's ConvNeXt `StochasticDepth`: in training, floor(keep + U[0, 1)) per sample (1 with
 * probability keep = 1 − rate) times x / keep; unchanged at inference. Keras draws from the
 * global random stream; here each call forks the layer's own SeedGenerator, which is forked
 * from the global one, so `st.random.setSeed` makes it reproducible.
 */
export class StochasticDepth extends Layer {
  readonly dropPathRate: number;
  private readonly seedGenerator = new SeedGenerator();

  constructor(dropPathRate: number, args: LayerArgs = {}) {
    super(args);
    this.dropPathRate = checkRate(dropPathRate, this.where(), "dropPathRate");
    this.built = true;
  }

  call(inputs: Tensor, opts: CallOptions = {}): Tensor {
    if (!opts.training) return inputs;
    const keep = 1 - this.dropPathRate;
    const shape = [inputs.shape[0]!, ...inputs.shape.slice(1).map(() => 1)];
    const draw = uniform(shape, { seed: this.seedGenerator.generator.fork() });
    const mask = floor(add(draw, keep));
    return multiply(divide(inputs, keep), mask);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return inputShape;
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), drop_path_rate: this.dropPathRate };
  }

  static fromConfig(config: Record<string, unknown>): StochasticDepth {
    const { dropPathRate, ...args } = fromKerasConfig(config);
    return new StochasticDepth(dropPathRate as number, args as LayerArgs);
  }
}

// Keras writes these with their module and, unregistered, their class name as registered name.
registerBuiltInLayer("LayerScale", LayerScale, MODULE, "LayerScale");
registerBuiltInLayer("StochasticDepth", StochasticDepth, MODULE, "StochasticDepth");
