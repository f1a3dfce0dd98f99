import {
  add as addOp,
  divide,
  maximum as maximumOp,
  minimum as minimumOp,
  multiply as multiplyOp,
  subtract as subtractOp,
} from "../../ops/elementwise.js";
import type { TensorLike } from "../../ops/core.js";
import { type DType, isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import type { LayerArgs, SymbolicTensor } from "../layer.js";
import { Merge } from "./base-merge.js";
import { registerKerasLayers } from "../registry.js";

const fold = (inputs: Tensor[], op: (a: Tensor, b: Tensor) => Tensor): Tensor =>
  inputs.slice(1).reduce(op, inputs[0]!);

/** Keras `Add`: the elementwise sum of the inputs. */
export class Add extends Merge {
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return fold(inputs, addOp);
  }
  static fromConfig(config: Record<string, unknown>): Add {
    return new Add(fromKerasConfig(config) as LayerArgs);
  }
}

/** Keras `Subtract`: `inputs[0] - inputs[1]`, exactly two inputs. */
export class Subtract extends Merge {
  protected override readonly exactInputs = 2;
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return subtractOp(inputs[0]!, inputs[1]!);
  }
  static fromConfig(config: Record<string, unknown>): Subtract {
    return new Subtract(fromKerasConfig(config) as LayerArgs);
  }
}

/** Keras `Multiply`: the elementwise product of the inputs. */
export class Multiply extends Merge {
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return fold(inputs, multiplyOp);
  }
  static fromConfig(config: Record<string, unknown>): Multiply {
    return new Multiply(fromKerasConfig(config) as LayerArgs);
  }
}

/** Keras `Average`: the elementwise mean of the inputs. */
export class Average extends Merge {
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return divide(fold(inputs, addOp), inputs.length);
  }
  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    const d = super.computeOutputDtype(inputDtypes);
    return isFloat(d) ? d : "float32";
  }
  static fromConfig(config: Record<string, unknown>): Average {
    return new Average(fromKerasConfig(config) as LayerArgs);
  }
}

/** Keras `Maximum`: the elementwise maximum of the inputs. */
export class Maximum extends Merge {
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return fold(inputs, maximumOp);
  }
  static fromConfig(config: Record<string, unknown>): Maximum {
    return new Maximum(fromKerasConfig(config) as LayerArgs);
  }
}

/** Keras `Minimum`: the elementwise minimum of the inputs. */
export class Minimum extends Merge {
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return fold(inputs, minimumOp);
  }
  static fromConfig(config: Record<string, unknown>): Minimum {
    return new Minimum(fromKerasConfig(config) as LayerArgs);
  }
}

// ---------------------------------------------------------------- Keras's functional forms

/** A merge function: makes the layer and applies it to symbolic inputs (graph) or tensors (values). */
export interface MergeFunction<A> {
  (inputs: readonly SymbolicTensor[], args?: A): SymbolicTensor;
  (inputs: readonly TensorLike[], args?: A): Tensor;
}

function functional<A>(make: (args?: A) => Merge): MergeFunction<A> {
  return ((inputs: readonly (SymbolicTensor | TensorLike)[], args?: A) =>
    make(args).apply(inputs as readonly TensorLike[])) as MergeFunction<A>;
}

/** Keras `layers.add([a, b])`. */
export const add = functional<LayerArgs>((a) => new Add(a));
/** Keras `layers.subtract([a, b])`. */
export const subtract = functional<LayerArgs>((a) => new Subtract(a));
/** Keras `layers.multiply([a, b])`. */
export const multiply = functional<LayerArgs>((a) => new Multiply(a));
/** Keras `layers.average([a, b])`. */
export const average = functional<LayerArgs>((a) => new Average(a));
/** Keras `layers.maximum([a, b])`. */
export const maximum = functional<LayerArgs>((a) => new Maximum(a));
/** Keras `layers.minimum([a, b])`. */
export const minimum = functional<LayerArgs>((a) => new Minimum(a));

registerKerasLayers({ Add, Subtract, Multiply, Average, Maximum, Minimum });
