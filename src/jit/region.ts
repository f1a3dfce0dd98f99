import type { Kernels, OpaqueStorage, Storage } from "../backend/backend.js";
import { type Recorder, activeRecorder, currentBackend, setRecorder } from "../backend/index.js";
import type { NumericDType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { Tracer } from "./trace.js";

/*
 * Eager regions: parts of a step that a compiled step runs as JavaScript at every call instead of
 * replaying their kernels — an optimizer's update (its learning-rate schedule, step counters and
 * bias corrections are JavaScript numbers) and the compiled metrics' bookkeeping. A region gets
 * its tensors only through `inputs` and leaves its effects in variables or in what it returns;
 * the replay calls `run` again with that call's tensors.
 */

/** Runs `run(inputs)`; inside a trace, as a region that every replay runs again. */
export function eagerRegion<R>(
  name: string,
  inputs: readonly (Tensor | null)[],
  run: (inputs: (Tensor | null)[]) => R,
): R {
  const recorder = activeRecorder();
  if (!(recorder instanceof Tracer)) return run([...inputs]);
  const refs = inputs.map((t) => {
    if (t === null) return null;
    if (t.dtype === "string") {
      recorder.stop(`${name} receives a string tensor`);
      return null;
    }
    return recorder.tensorRef(t.storage, t.shape, t.dtype as NumericDType);
  });
  return recorder.region(name, refs, run as (i: unknown[]) => R, () => {
    setRecorder(new RegionWatcher(recorder));
    try {
      return run([...inputs]);
    } finally {
      setRecorder(recorder);
    }
  });
}

/** Inside a region at trace time: kernels run unrecorded; what the region makes is noted. */
class RegionWatcher implements Recorder {
  readonly kernels: Kernels<OpaqueStorage> = currentBackend().kernels;
  constructor(private readonly tracer: Tracer) {}
  allocated(storage: Storage): void {
    this.tracer.bornInRegion(storage);
  }
  fromHost(storage: Storage): void {
    this.tracer.bornInRegion(storage);
  }
  read(): void {}
  randomDraw(): void {}
  variableRead(): void {}
  variableAssigned(): void {}
}
