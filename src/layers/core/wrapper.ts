import { ValueError } from "../../errors.js";
import { fromKerasConfig } from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { deserializeLayer, serializeLayer } from "../registry.js";

/**
 * Keras's abstract `Wrapper` (keras/src/layers/core/wrapper.py): a layer that holds another layer
 * (`this.layer`, saved under the attribute name "layer" as in Keras's weights files) and adds
 * behaviour around it. Building builds the wrapped layer on the same input shape if it is not
 * built yet; the config stores the wrapped layer's serialized form under "layer", and
 * `fromConfig` rebuilds it first. Subclasses implement `call`.
 */
export abstract class Wrapper extends Layer {
  readonly layer: Layer;

  constructor(layer: Layer, args: LayerArgs = {}) {
    super(args);
    if (!(layer instanceof Layer)) {
      throw new ValueError(
        `${this.where()}: the wrapped layer must be a Layer instance; received ${String(layer)}`,
      );
    }
    this.layer = layer;
  }

  override build(inputShape: ShapeSpec): void {
    if (!this.layer.built) this.layer.ensureBuilt(inputShape);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: serializeLayer(this.layer) };
  }

  /** `new Subclass(layer, options)` from a Keras config whose "layer" is a serialized layer. */
  static wrapperArgs(config: Record<string, unknown>): [Layer, Record<string, unknown>] {
    const { layer, ...rest } = config;
    return [deserializeLayer(layer), fromKerasConfig(rest)];
  }
}
