import { ShapeError, fmtShape } from "../errors.js";
import type { Storage } from "../backend/backend.js";
import { activeRecorder } from "../backend/index.js";
import { type NumericDType, type TypedArray, checkNumericDType } from "../tensor/dtype.js";
import { tensor } from "../tensor/creation.js";
import { type NestedArray, Tensor, copyTensor } from "../tensor/tensor.js";
import { activeVariableOverride } from "./variable-override.js";

let counter = 0;

/**
 * A mutable slot holding a tensor: model weights, optimizer slots, metric state. Ops accept a
 * Variable wherever they accept a tensor and read its current value; `valueAndGrad` takes
 * gradients with respect to Variables.
 */
export class Variable {
  readonly name: string;
  trainable: boolean;
  /** Projection applied after each optimizer update (Keras `constraint`), if any. */
  constraint: { apply(w: Tensor): Tensor } | null = null;
  private current: Tensor;
  /** Whether `current` was copied here and never handed out, so it may be updated in place. */
  private owned = false;

  constructor(
    initial: Tensor | NestedArray | TypedArray,
    opts: { trainable?: boolean; name?: string; dtype?: NumericDType } = {},
  ) {
    const t = initial instanceof Tensor ? initial : tensor(initial as NestedArray);
    this.current = opts.dtype ? convert(t, checkNumericDType(opts.dtype, "Variable")) : t;
    this.trainable = opts.trainable ?? true;
    this.name = opts.name ?? `variable_${counter++}`;
  }

  get value(): Tensor {
    const scoped = activeVariableOverride()?.getCurrentValue(this);
    if (scoped) return scoped; // inside a StatelessScope
    this.owned = false;
    activeRecorder()?.variableRead(this, this.current.storage, false);
    return this.current;
  }

  /**
   * The storage behind the value, for a kernel to update in place (optimizer slots). A tensor that
   * has ever been handed out through `value` is copied first: no tensor anyone holds ever changes.
   */
  writableStorage(): Storage {
    const scope = activeVariableOverride();
    if (scope) return scope.writableStorage(this, this.current);
    if (!this.owned) {
      this.current = copyTensor(this.current);
      this.owned = true;
    }
    activeRecorder()?.variableRead(this, this.current.storage, true);
    return this.current.storage;
  }

  get shape(): readonly number[] {
    return this.current.shape;
  }

  get dtype(): NumericDType {
    return this.current.dtype as NumericDType;
  }

  /** Replaces the value; the shape must stay the same, the dtype is converted to the Variable's. */
  assign(value: Tensor | NestedArray | TypedArray): void {
    const t = value instanceof Tensor ? value : tensor(value as NestedArray, this.shape);
    if (t.shape.length !== this.shape.length || t.shape.some((d, i) => d !== this.shape[i])) {
      throw new ShapeError(
        `Variable ${this.name}: assign expects shape ${fmtShape(this.shape)}; received ${fmtShape(t.shape)}`,
      );
    }
    const scope = activeVariableOverride();
    if (scope) return scope.addUpdate([this, convert(t, this.dtype)]); // collected, not applied
    this.current = convert(t, this.dtype);
    this.owned = false;
    activeRecorder()?.variableAssigned(this, this.current.storage, this.shape, this.dtype);
  }

  toString(): string {
    return `Variable(${this.name}, ${this.current.toString()})`;
  }
}

function convert(t: Tensor, dtype: NumericDType): Tensor {
  return t.dtype === dtype ? t : copyTensor(t, dtype);
}
