/**
 * Keras `IntegerLookup`: integer tokens to vocabulary indices (or, with `invert`, back), with
 * Keras's OOV slots (`oovMethod` "floormod" or "farmhash"), mask token, output modes and `adapt`.
 * Tokens are stored as int32 (Strata's int64); inputs may be integer tensors or whole-number
 * floats (JS number arrays become float32 tensors).
 */
import { DTypeError, ValueError } from "../../../errors.js";
import { type Tensor, fromValues } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { integerValues } from "./host-values.js";
import { IndexLookup, type IndexLookupArgs } from "./index-lookup.js";

export interface IntegerLookupArgs extends IndexLookupArgs<number> {
  /** Only "int64" (Keras's only choice). */
  vocabularyDtype?: "int64";
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export class IntegerLookup extends IndexLookup<number> {
  constructor(args: IntegerLookupArgs = {}) {
    super(args, { oovToken: -1 });
    if ((args.vocabularyDtype ?? "int64") !== "int64") {
      throw new ValueError(
        `${this.where()}: only vocabularyDtype "int64" is supported; received ` +
          `vocabularyDtype=${JSON.stringify(args.vocabularyDtype)}`,
      );
    }
    this.checkSaltUse();
  }

  get vocabularyDtype(): "int64" {
    return "int64";
  }

  protected tokensOf(t: Tensor): number[] {
    return integerValues(t, this.where());
  }

  protected tokensTensor(tokens: readonly number[], shape: readonly number[]): Tensor {
    return fromValues(Int32Array.from(tokens), [...shape]);
  }

  protected toToken(value: unknown): number {
    if (typeof value !== "number" || !Number.isInteger(value)) {
      throw new DTypeError(
        `${this.where()}: vocabulary entries must be integers; received ${JSON.stringify(value)}`,
      );
    }
    if (value < INT32_MIN || value > INT32_MAX) {
      throw new ValueError(
        `${this.where()}: vocabulary entry ${value} is outside int32, which holds Strata's int64`,
      );
    }
    return value;
  }

  protected parseToken(line: string): number {
    const v = Number(line.trim());
    if (line.trim() === "" || !Number.isInteger(v)) {
      throw new ValueError(
        `${this.where()}: expected an integer on each vocabulary line; received ${JSON.stringify(line)}`,
      );
    }
    return this.toToken(v);
  }

  protected compareTokens(a: number, b: number): number {
    return a - b;
  }

  static fromConfig(config: Record<string, unknown>): IntegerLookup {
    return new IntegerLookup(fromKerasConfig(config) as IntegerLookupArgs);
  }
}

registerKerasLayers({ IntegerLookup });
