/**
 * The run views that come from other parts of Strata: the diagnosis of the run's curves and its
 * model graph. (Interim: wired to st.utils.diagnose and modelToDot when those land.)
 */
export interface DiagnosisView {
  diagnosis: { kind: string; epoch?: number; message: string } | null;
  note?: string;
}

export function diagnoseRun(_history: Record<string, number[]>): DiagnosisView {
  return { diagnosis: null, note: "The diagnosis is not available in this build." };
}

export interface GraphView {
  svg: string | null;
  message: string;
}

export async function renderModelGraph(config: string | null): Promise<GraphView> {
  await Promise.resolve();
  if (config === null) return { svg: null, message: "No model graph was logged for this run." };
  return { svg: null, message: "Model drawing is not available in this build." };
}
