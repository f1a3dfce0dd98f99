/**
 * The run views that come from other parts of Strata: the diagnosis of the run's loss curves
 * (`diagnose`, as `fit` prints it) and the drawing of its model from the Keras config the
 * TensorBoard callback logged.
 */
import { diagnose, type Diagnosis } from "../../train/diagnose.js";

export interface DiagnosisView {
  diagnosis: Diagnosis | null;
  /** Why there is no diagnosis. */
  note?: string;
}

export function diagnoseRun(run: {
  history: Record<string, number[]>;
  epoch: number[];
}): DiagnosisView {
  try {
    return { diagnosis: diagnose(run) };
  } catch (error) {
    return { diagnosis: null, note: `The curves could not be read: ${(error as Error).message}` };
  }
}

export interface GraphView {
  svg: string | null;
  message: string;
}

export async function renderModelGraph(config: unknown): Promise<GraphView> {
  await Promise.resolve();
  if (config === null) return { svg: null, message: "No model graph was logged for this run." };
  return { svg: null, message: "Model drawing is not available in this build." };
}
