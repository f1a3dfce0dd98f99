/**
 * The optimizers whose learning rates the learning-rate callbacks read, set and log, as Keras
 * 3.16's callbacks find them: a MultiOptimizer's inner optimizers (each logged as
 * `learning_rate_<name>`), else the optimizer itself (logged as `learning_rate`). A
 * LossScaleOptimizer around a MultiOptimizer is looked through, as Keras's TensorBoard does.
 */
import type { CallbackModel } from "./callback.js";

type ModelOptimizer = NonNullable<CallbackModel["optimizer"]>;

/** What a callback touches of one optimizer's rate. */
export interface RatedOptimizer {
  readonly name?: string;
  learningRate: unknown;
  readonly currentLearningRate: number;
}

/** Each optimizer with its own learning rate, and the log key its rate is recorded under. */
export function ratedOptimizers(
  optimizer: ModelOptimizer,
): { optimizer: RatedOptimizer; logKey: string; name: string | null }[] {
  const inner = (optimizer as { innerOptimizer?: unknown }).innerOptimizer;
  const multi = innerOptimizers(optimizer) ?? (inner ? innerOptimizers(inner) : null);
  if (!multi) return [{ optimizer, logKey: "learning_rate", name: null }];
  return multi.map((o) => ({
    optimizer: o,
    logKey: `learning_rate_${String(o.name)}`,
    name: String(o.name),
  }));
}

function innerOptimizers(o: unknown): RatedOptimizer[] | null {
  const list = (o as { optimizers?: unknown }).optimizers;
  return Array.isArray(list) ? (list as RatedOptimizer[]) : null;
}
