import { ValueError } from "../../errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import type { CallOptions, LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { deserializeLayer, registerKerasLayers, serializeLayer } from "../registry.js";
import { RNNCell } from "./rnn-cell.js";

/**
 * Keras `StackedRNNCells`: a list of cells run as one cell, each step feeding cell i's output to
 * cell i + 1. Its states are every cell's states in order (flattened: an LSTMCell contributes
 * h and c), its output the last cell's. `new RNN([cellA, cellB])` wraps the list in one, as
 * Keras's RNN does. Weights are the cells' in order; in .keras files they sit under
 * `cell/cells/<class>_<n>/`, Keras's container layout. One deviation: a cell with dropout
 * draws its masks per timestep here (it is called step by step), where Keras keeps one mask
 * per sequence.
 */
export class StackedRNNCells extends RNNCell {
  readonly cells: RNNCell[];

  constructor(cells: readonly RNNCell[], args: LayerArgs = {}) {
    super(args);
    if (!Array.isArray(cells) || cells.length === 0) {
      throw new ValueError(
        `${this.where()}: cells must be a non-empty list of RNN cells; received ${String(cells)}`,
      );
    }
    cells.forEach((c, i) => {
      if (!(c instanceof RNNCell)) {
        throw new ValueError(
          `${this.where()}: all cells must be RNN cells (with a stateSize and call); ` +
            `received ${String(c)} at index ${i}`,
        );
      }
    });
    this.cells = [...cells];
  }

  get stateSize(): number[] {
    return this.cells.flatMap((c) => c.stateSize);
  }

  override get outputSize(): number {
    return this.cells.at(-1)!.outputSize;
  }

  override stateShapes(batchSize: number): number[][] {
    return this.cells.flatMap((c) => c.stateShapes(batchSize));
  }

  override getInitialState(batchSize: number): Tensor[] {
    return this.cells.flatMap((c) => c.getInitialState(batchSize));
  }

  override build(inputShape: ShapeSpec | readonly ShapeSpec[]): void {
    let shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as ShapeSpec;
    for (const cell of this.cells) {
      if (!cell.built) cell.ensureBuilt(shape);
      shape = [shape[0] ?? null, cell.outputSize];
    }
  }

  /** `[x, ...states]` → `[output, ...newStates]`, the cells in order. */
  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor[] {
    const [x, ...given] = Array.isArray(inputs) ? inputs : [inputs];
    const states = given.length > 0 ? given : this.getInitialState(x!.shape[0]!);
    if (states.length !== this.stateSize.length) {
      throw new ValueError(
        `${this.where()}: expected ${this.stateSize.length} state tensors; received ${states.length}`,
      );
    }
    let h = x!;
    let offset = 0;
    const next: Tensor[] = [];
    for (const cell of this.cells) {
      const n = cell.stateSize.length;
      const own = states.slice(offset, offset + n);
      offset += n;
      const out = cell.call([h, ...own], { training: opts.training ?? false });
      const list = Array.isArray(out) ? out : [out];
      h = list[0]!;
      next.push(...(list.length > 1 ? list.slice(1) : [list[0]!]));
    }
    return [h, ...next];
  }

  override computeOutputShape(inputShape: ShapeSpec | readonly ShapeSpec[]): ShapeSpec[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as ShapeSpec;
    const batch = shape[0] ?? null;
    return [[batch, this.outputSize], ...this.stateSize.map((n) => [batch, n])];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cells: this.cells.map((c) => serializeLayer(c)) };
  }

  static fromConfig(config: Record<string, unknown>): StackedRNNCells {
    const { cells, ...rest } = config;
    if (!Array.isArray(cells)) {
      throw new ValueError(
        `StackedRNNCells.fromConfig: "cells" must be a list of serialized cells; received ` +
          JSON.stringify(cells),
      );
    }
    return new StackedRNNCells(
      cells.map((c) => deserializeLayer(c) as RNNCell),
      fromKerasConfig(rest) as LayerArgs,
    );
  }
}

registerKerasLayers({ StackedRNNCells });
