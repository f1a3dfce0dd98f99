import { fromKerasConfig } from "../config.js";
import { BasePooling, type PoolingArgs } from "./base-pooling.js";
import { registerKerasLayers } from "../registry.js";

/*
 * Keras's MaxPooling1D/2D/3D and AveragePooling1D/2D/3D: BasePooling with a fixed rank and mode.
 * The pool size may come first, as Keras users write it: `new MaxPooling2D(2)`, or in the options:
 * `new MaxPooling2D({ poolSize: 2 })`.
 */

function withPoolSize(
  poolSize: PoolingArgs["poolSize"] | PoolingArgs | undefined,
  opts: PoolingArgs,
): PoolingArgs {
  if (poolSize === undefined) return opts;
  return typeof poolSize === "object" && !Array.isArray(poolSize)
    ? { ...(poolSize as PoolingArgs), ...opts }
    : { ...opts, poolSize: poolSize as PoolingArgs["poolSize"] };
}

const args = (config: Record<string, unknown>): PoolingArgs =>
  fromKerasConfig(config) as PoolingArgs;

/** Max over windows of `poolSize` steps of (batch, steps, channels). */
export class MaxPooling1D extends BasePooling {
  constructor(poolSize?: PoolingArgs["poolSize"] | PoolingArgs, opts: PoolingArgs = {}) {
    super(1, "max", withPoolSize(poolSize, opts));
  }

  static fromConfig(config: Record<string, unknown>): MaxPooling1D {
    return new MaxPooling1D(args(config));
  }
}

/** Max over windows of (batch, height, width, channels): the book's downsampling layer. */
export class MaxPooling2D extends BasePooling {
  constructor(poolSize?: PoolingArgs["poolSize"] | PoolingArgs, opts: PoolingArgs = {}) {
    super(2, "max", withPoolSize(poolSize, opts));
  }

  static fromConfig(config: Record<string, unknown>): MaxPooling2D {
    return new MaxPooling2D(args(config));
  }
}

/** Max over windows of (batch, depth, height, width, channels). */
export class MaxPooling3D extends BasePooling {
  constructor(poolSize?: PoolingArgs["poolSize"] | PoolingArgs, opts: PoolingArgs = {}) {
    super(3, "max", withPoolSize(poolSize, opts));
  }

  static fromConfig(config: Record<string, unknown>): MaxPooling3D {
    return new MaxPooling3D(args(config));
  }
}

/** Mean over windows of `poolSize` steps of (batch, steps, channels). */
export class AveragePooling1D extends BasePooling {
  constructor(poolSize?: PoolingArgs["poolSize"] | PoolingArgs, opts: PoolingArgs = {}) {
    super(1, "average", withPoolSize(poolSize, opts));
  }

  static fromConfig(config: Record<string, unknown>): AveragePooling1D {
    return new AveragePooling1D(args(config));
  }
}

/** Mean over windows of (batch, height, width, channels). */
export class AveragePooling2D extends BasePooling {
  constructor(poolSize?: PoolingArgs["poolSize"] | PoolingArgs, opts: PoolingArgs = {}) {
    super(2, "average", withPoolSize(poolSize, opts));
  }

  static fromConfig(config: Record<string, unknown>): AveragePooling2D {
    return new AveragePooling2D(args(config));
  }
}

/** Mean over windows of (batch, depth, height, width, channels). */
export class AveragePooling3D extends BasePooling {
  constructor(poolSize?: PoolingArgs["poolSize"] | PoolingArgs, opts: PoolingArgs = {}) {
    super(3, "average", withPoolSize(poolSize, opts));
  }

  static fromConfig(config: Record<string, unknown>): AveragePooling3D {
    return new AveragePooling3D(args(config));
  }
}

registerKerasLayers({
  AveragePooling1D,
  AveragePooling2D,
  AveragePooling3D,
  MaxPooling1D,
  MaxPooling2D,
  MaxPooling3D,
});
