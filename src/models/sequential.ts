import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { Input, InputLayer } from "../layers/core/input.js";
import { type CallOptions, Layer } from "../layers/layer.js";
import { type ShapeSpec, SymbolicTensor } from "../layers/symbolic.js";
import { Model } from "./model.js";

/**
 * A plain stack of layers. Its input shape comes from an `Input`, from `inputShape` on the first
 * layer, or — as in the book's first MNIST example — from the first batch it sees. Once the shape
 * is known the stack is wired as a functional graph, so a wrong layer fails when it is added.
 */
export class Sequential extends Model {
  private stack: Layer[] = [];
  private input: SymbolicTensor | null = null;

  constructor(layers: readonly (Layer | SymbolicTensor)[] = [], args: { name?: string; trainable?: boolean } = {}) {
    super({ name: args.name, trainable: args.trainable });
    this.built = false;
    for (const l of layers) this.add(l);
  }

  override get layers(): Layer[] {
    return [...this.stack];
  }

  /** Keras `Sequential.add`; an `Input(...)` sets the input shape. */
  add(layer: Layer | SymbolicTensor): void {
    if (layer instanceof SymbolicTensor) {
      if (!(layer.node?.layer instanceof InputLayer) || this.stack.length > 0 || this.input) {
        throw new ValueError(`${this.where()}: only an Input() may be added, and only first`);
      }
      this.input = layer;
      return;
    }
    if (!(layer instanceof Layer)) {
      throw new ValueError(`${this.where()}: add() expects a Layer; received ${String(layer)}`);
    }
    if (layer instanceof InputLayer) {
      this.add(layer.output);
      return;
    }
    if (this.stack.length === 0 && !this.input && layer.batchInputShape) {
      this.input = Input({ batchShape: layer.batchInputShape });
    }
    this.stack.push(layer);
    if (this.input) this.wire(this.input);
  }

  /** Removes the last layer (Keras `pop`). */
  pop(): Layer {
    const last = this.stack.pop();
    if (!last) throw new ValueError(`${this.where()}: there is no layer to remove`);
    this.graph = null;
    if (this.input && this.stack.length > 0) this.wire(this.input);
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
    this.input = Input({ batchShape: [null, ...(inputShape as ShapeSpec).slice(1)] });
    this.wire(this.input);
  }

  override call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    if (!this.graph) this.ensureBuilt([null, ...(inputs as Tensor).shape.slice(1)]);
    let x = inputs;
    for (const layer of this.stack) x = layer.apply(x as Tensor, { training: opts.training });
    return x;
  }

  override computeOutputShape(inputShape: ShapeSpec | readonly ShapeSpec[]): ShapeSpec | ShapeSpec[] {
    if (!this.graph) this.ensureBuilt(inputShape);
    return this.graph!.outputShapes()[0]!;
  }
}
