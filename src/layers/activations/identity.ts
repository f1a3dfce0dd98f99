/** Keras `layers.Identity`: a placeholder that returns its inputs (one tensor or a list) as they are. */
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import { registerKerasLayers } from "../registry.js";
import type { Shapes } from "../shape-spec.js";
import { checkOptions } from "./activation-layer.js";

export class Identity extends Layer {
  /** Keras builds it at construction: no build_config in its saved form. */
  static readonly builtAtInit = true;

  constructor(args: LayerArgs = {}) {
    super(args);
    checkOptions(args, [], this.where());
    this.supportsMasking = true;
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return inputs;
  }

  /** Each input's mask goes with it. */
  override computeMask(
    _inputs: Tensor | Tensor[],
    mask: Tensor | null | readonly (Tensor | null)[],
  ): Tensor | null | (Tensor | null)[] {
    return Array.isArray(mask) ? [...(mask as (Tensor | null)[])] : (mask as Tensor | null);
  }

  override computeOutputShape(inputShape: Shapes): Shapes {
    return inputShape;
  }

  /** The input's dtype, whatever it is (strings and ints included). */
  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  static fromConfig(config: Record<string, unknown>): Identity {
    return new Identity(fromKerasConfig(config) as LayerArgs);
  }
}

registerKerasLayers({ Identity });
