import { ValueError, checkOptionNames } from "../../errors.js";
import { floatx } from "../../tensor/config.js";
import { type DType, type DTypeName, checkDType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Layer, Node, SymbolicTensor } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

export interface InputOptions {
  /** shape without the batch axis; null for an axis of any size */
  shape?: ShapeSpec;
  batchSize?: number | null;
  /** full shape including the batch axis (instead of shape + batchSize) */
  batchShape?: ShapeSpec;
  dtype?: DTypeName;
  name?: string;
}

/** The source of a functional model's input; it passes values through. */
export class InputLayer extends Layer {
  readonly batchShape: ShapeSpec;
  readonly inputDtype: DType;
  /** The dtype as the user wrote it ("int64" stays "int64" in the config Keras reads). */
  readonly #declaredDtype: DTypeName;
  readonly #output: SymbolicTensor;

  constructor(opts: InputOptions = {}) {
    super({ name: opts.name });
    checkOptionNames("Input", opts, ["shape", "batchSize", "batchShape", "dtype", "name"]);
    if (opts.batchShape === undefined && opts.shape === undefined) {
      throw new ValueError("Input: give `shape` (without the batch axis) or `batchShape`");
    }
    this.batchShape = opts.batchShape ?? [opts.batchSize ?? null, ...opts.shape!];
    if (!this.batchShape.every((d) => d === null || (Number.isInteger(d) && d >= 0))) {
      throw new ValueError(
        `Input: shape entries must be non-negative integers or null; received ${JSON.stringify(opts.shape)}`,
      );
    }
    this.inputDtype = checkDType(opts.dtype ?? floatx(), "Input");
    this.#declaredDtype = opts.dtype ?? floatx();
    this.built = true;
    this.#output = new SymbolicTensor(this.batchShape, this.inputDtype, this.name);
    this.#output.node = new Node(this, [], [this.#output], false, {});
    this.inboundNodes.push(this.#output.node);
  }

  /** The placeholder tensor this layer stands for (what `Input()` returns). */
  override get output(): SymbolicTensor {
    return this.#output;
  }

  /** An input layer's input is its own placeholder, as in Keras. */
  override get input(): SymbolicTensor {
    return this.#output;
  }

  call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return inputs;
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      batch_shape: [...this.batchShape],
      dtype: this.#declaredDtype,
      sparse: false,
      ragged: false,
      name: this.name,
      optional: false,
    };
  }

  static fromConfig(config: Record<string, unknown>): InputLayer {
    return new InputLayer({
      batchShape: (config.batch_shape ?? config.batch_input_shape) as ShapeSpec,
      dtype: config.dtype as DTypeName,
      name: config.name as string,
    });
  }
}

/** Keras `Input(shape=…)`: a symbolic tensor to build a functional model from. */
export function Input(opts: InputOptions): SymbolicTensor {
  return new InputLayer(opts).output;
}

registerKerasLayers({ InputLayer });
