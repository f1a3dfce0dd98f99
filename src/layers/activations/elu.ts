/** Keras `layers.ELU`: x for x > 0, alpha · (eˣ − 1) otherwise. */
import { ValueError } from "../../errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import type { LayerArgs } from "../layer.js";
import { registerKerasLayers } from "../registry.js";
import { ActivationLayer } from "./activation-layer.js";
import { elu } from "./functions.js";

export interface ELUArgs extends LayerArgs {
  /** Scale of the negative section (default 1). */
  alpha?: number;
}

export class ELU extends ActivationLayer {
  readonly alpha: number;

  constructor(args: ELUArgs = {}) {
    super(args, ["alpha"]);
    const alpha = args.alpha ?? 1;
    if (typeof alpha !== "number" || !Number.isFinite(alpha)) {
      throw new ValueError(
        `${this.where()}: alpha must be a finite number; received alpha=${String(alpha)}`,
      );
    }
    this.alpha = alpha;
  }

  call(inputs: Tensor): Tensor {
    return elu(inputs, this.alpha);
  }

  /** Keras's ELU has no get_config of its own: its automatic config records `alpha`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }

  static fromConfig(config: Record<string, unknown>): ELU {
    return new ELU(fromKerasConfig(config) as ELUArgs);
  }
}

registerKerasLayers({ ELU });
