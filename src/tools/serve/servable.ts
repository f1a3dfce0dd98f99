/**
 * One loaded version of a model (TF Serving's servable): the model, its signature and its own
 * batcher. A version being replaced keeps its batcher until every request already queued on it
 * is answered, so a hot swap drops nothing.
 */
import type { Model } from "../../models/model.js";
import { Batcher, type BatchObserver, type BatchOptions } from "./batcher.js";
import { type Column, columnToTensor, tensorToColumn } from "./columns.js";
import type { NamedColumn } from "./predict-response.js";
import { type Signature, signatureOf } from "./signature.js";

export class Servable {
  readonly signature: Signature;
  readonly batcher: Batcher;

  constructor(
    readonly modelName: string,
    readonly version: number,
    readonly model: Model,
    batching: BatchOptions,
    observe?: BatchObserver,
  ) {
    this.signature = signatureOf(model, `serve: model "${modelName}" version ${version}`);
    this.batcher = new Batcher((inputs) => this.run(inputs), batching, observe);
  }

  /** The model on one batch of input columns: one output column per signature output. */
  run(inputs: readonly Column[]): NamedColumn[] {
    const outs = this.model.predictStep(inputs.map(columnToTensor));
    return outs.map((t, i) => ({ ...tensorToColumn(t), name: this.signature.outputs[i]!.name }));
  }
}
