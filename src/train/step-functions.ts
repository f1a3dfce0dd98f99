import { type JitCompile, type JitFunction, jit } from "../jit/index.js";
import type { Tensor } from "../tensor/tensor.js";
import type { StepData, StepLogs } from "./data-adapter.js";

/*
 * The steps fit, evaluate and predict (and the *OnBatch methods) run: the model's own trainStep,
 * testStep and predictStep — custom ones included — compiled as `compile({jitCompile,
 * runEagerly})` says (src/jit/; Keras's default "auto", and "auto" for a model never compiled).
 * One set per model, made again when the model is compiled again.
 */

/** What the steps need of a model. */
export interface SteppedModel {
  readonly compiled?: { readonly jitCompile?: JitCompile } | null;
  readonly name?: string;
  trainStep(data: StepData): StepLogs;
  testStep(data: StepData): StepLogs;
  predictStep(x: Tensor[]): Tensor[];
}

export interface StepFunctions {
  readonly train: JitFunction<[StepData], StepLogs>;
  readonly test: JitFunction<[StepData], StepLogs>;
  readonly predict: JitFunction<[Tensor[]], Tensor[]>;
}

const made = new WeakMap<SteppedModel, { compiled: unknown; steps: StepFunctions }>();

/** The model's step functions for its current compile state. */
export function stepFunctions(model: SteppedModel): StepFunctions {
  const compiled = model.compiled ?? null;
  const known = made.get(model);
  if (known && known.compiled === compiled) return known.steps;
  const jitCompile = compiled?.jitCompile ?? "auto";
  const name = model.name ?? "model";
  const steps: StepFunctions = {
    train: jit((data: StepData) => model.trainStep(data), {
      jitCompile,
      name: `${name}.trainStep`,
    }),
    test: jit((data: StepData) => model.testStep(data), { jitCompile, name: `${name}.testStep` }),
    predict: jit((x: Tensor[]) => model.predictStep(x), {
      jitCompile,
      name: `${name}.predictStep`,
    }),
  };
  made.set(model, { compiled, steps });
  return steps;
}
