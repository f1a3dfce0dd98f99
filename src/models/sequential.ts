import { ValueError, checkOptionNames } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { Input, InputLayer } from "../layers/core/input.js";
import { type CallOptions, Layer, SymbolicTensor } from "../layers/layer.js";
import type { ShapeSpec } from "../layers/shape-spec.js";
import type { LayerMaker } from "./config.js";
import { Model } from "./model.js";
import {
  type CustomObjects,
  deserializeLayer,
  registerBuiltInLayer,
  serializeLayer,
} from "../layers/registry.js";

/**
 * A plain stack of layers. Its input shape comes from an `Input`, from `inputShape` on the first
 * layer, or — as in the book's first MNIST example — from the first batch it sees. Once the shape
 * is known the stack is wired as a functional graph, so a wrong layer fails when it is added.
 */
export class Sequential extends Model {
  private stack: Layer[] = [];
  /** The Input the stack is wired from, once its shape is known. */
  private inputTensor: SymbolicTensor | null = null;

  constructor(
    layers: readonly (Layer | SymbolicTensor)[] = [],
    args: { name?: string; trainable?: boolean } = {},
  ) {
    super({ name: args.name, trainable: args.trainable });
    checkOptionNames("Sequential", args, ["name", "trainable"]);
    this.built = false;
    for (const l of layers) this.add(l);
  }

  override get layers(): Layer[] {
    return [...this.stack];
  }

  /** A stack has no op nodes: its operations are its layers. */
  override get operations(): Layer[] {
    return this.layers;
  }

  /** Keras `Sequential.add`; an `Input(...)` sets the input shape. */
  add(layer: Layer | SymbolicTensor): void {
    if (layer instanceof SymbolicTensor) {
      if (!(layer.node?.layer instanceof InputLayer) || this.stack.length > 0 || this.inputTensor) {
        throw new ValueError(`${this.where()}: only an Input() may be added, and only first`);
      }
      this.inputTensor = layer;
      return;
    }
    if (!(layer instanceof Layer)) {
      throw new ValueError(`${this.where()}: add() expects a Layer; received ${String(layer)}`);
    }
    if (layer instanceof InputLayer) {
      this.add(layer.output);
      return;
    }
    if (this.stack.length === 0 && !this.inputTensor && layer.batchInputShape) {
      this.inputTensor = Input({ batchShape: layer.batchInputShape });
    }
    this.stack.push(layer);
    if (this.inputTensor) this.wire(this.inputTensor);
  }

  /** Removes the last layer (Keras `pop`). */
  pop(): Layer {
    const last = this.stack.pop();
    if (!last) throw new ValueError(`${this.where()}: there is no layer to remove`);
    this.graph = null;
    if (this.inputTensor && this.stack.length > 0) this.wire(this.inputTensor);
    return last;
  }

  /** Wires the stack as a graph from `input`, building each layer; a misfit fails here. */
  private wire(input: SymbolicTensor): void {
    let x = input;
    for (const layer of this.stack) x = layer.apply(x);
    this.setGraph(input, x);
  }

  override build(inputShape: ShapeSpec | readonly ShapeSpec[]): void {
    if (this.graph) return;
    if (this.stack.length === 0) throw new ValueError(`${this.where()}: the model has no layers`);
    this.inputTensor = Input({ batchShape: [null, ...(inputShape as ShapeSpec).slice(1)] });
    this.wire(this.inputTensor);
  }

  override call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    if (!this.graph) this.ensureBuilt([null, ...(inputs as Tensor).shape.slice(1)]);
    let x = inputs;
    for (const layer of this.stack) x = layer.apply(x as Tensor, { training: opts.training });
    return x;
  }

  override computeOutputShape(
    inputShape: ShapeSpec | readonly ShapeSpec[],
  ): ShapeSpec | ShapeSpec[] {
    if (!this.graph) this.ensureBuilt(inputShape);
    return this.graph!.outputShapes()[0]!;
  }

  // ------------------------------------------------------------ Keras config

  /**
   * Keras's `Sequential.get_config()`: the layers (the InputLayer first once the input shape is
   * known) and `build_input_shape`.
   */
  override getConfig(): Record<string, unknown> {
    const { name, trainable, dtype } = Layer.prototype.getConfig.call(this);
    const inputLayer = this.inputTensor?.node?.layer;
    const layers = [...(inputLayer ? [inputLayer] : []), ...this.stack].map(serializeLayer);
    const config: Record<string, unknown> = { name, trainable, dtype, layers };
    if (this.graph && this.inputTensor) config.build_input_shape = [...this.inputTensor.shape];
    return config;
  }

  /** Keras records the batch input shape a Sequential model was built for. */
  override getBuildConfig(): Record<string, unknown> | null {
    return this.graph && this.inputTensor ? { input_shape: [...this.inputTensor.shape] } : null;
  }

  /** Keras `Sequential.from_config`: each layer deserialized and added in order. */
  static override fromConfig(
    config: Record<string, unknown> | unknown[],
    customObjects: CustomObjects = {},
    makeLayer: LayerMaker = (serialized) => deserializeLayer(serialized, customObjects),
  ): Sequential {
    const layerConfigs = Array.isArray(config) ? config : config.layers;
    if (!Array.isArray(layerConfigs)) {
      throw new ValueError(
        `Sequential.fromConfig: config.layers must be a list; received ${JSON.stringify(layerConfigs)}`,
      );
    }
    const c = Array.isArray(config) ? {} : config;
    const model = new Sequential([], {
      name: typeof c.name === "string" ? c.name : undefined,
      trainable: typeof c.trainable === "boolean" ? c.trainable : undefined,
    });
    for (const layerConfig of layerConfigs) {
      const serialized = layerConfig as Record<string, unknown>;
      const config = serialized?.config as Record<string, unknown> | undefined;
      model.add(makeLayer(serialized, typeof config?.name === "string" ? config.name : undefined));
    }
    const shape = c.build_input_shape;
    if (!model.graph && Array.isArray(shape) && model.stack.length > 0) {
      model.ensureBuilt(shape as ShapeSpec);
    }
    return model;
  }
}

registerBuiltInLayer("Sequential", Sequential, "keras");
