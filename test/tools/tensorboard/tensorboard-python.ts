// Runs TensorBoard's own EventAccumulator (Python `tensorboard` package) over a directory of event
// files. Tests that use it skip when no Python with tensorboard is found.
import { spawnSync } from "node:child_process";

const IMPORT = "import tensorboard.backend.event_processing.event_accumulator";

/** A Python that can import TensorBoard's event accumulator, or null. STRATA_PYTHON first. */
export const tensorboardPython: string | null = (() => {
  const candidates = [process.env.STRATA_PYTHON, "/tmp/kvenv/bin/python", "python3"];
  for (const py of candidates) {
    if (!py) continue;
    const r = spawnSync(py, ["-c", IMPORT], { stdio: "ignore", timeout: 60_000 });
    if (r.status === 0) return py;
  }
  return null;
})();

/** Why these tests are skipped (false when TensorBoard is available). */
export const skipWithoutTensorBoard: string | false =
  tensorboardPython === null
    ? "Python's tensorboard package is not installed (STRATA_PYTHON, /tmp/kvenv/bin/python, python3)"
    : false;

/** What EventAccumulator read from one run directory. */
export interface Accumulated {
  tags: Record<string, unknown>;
  /** Tensor summaries by tag: step, wall time, plugin name and content, dtype, shape, values. */
  tensors: Record<
    string,
    {
      step: number;
      wallTime: number;
      plugin: string;
      content: string;
      dtype: string;
      shape: number[];
      values: unknown;
    }[]
  >;
  /** The run graph's node names and ops ("graph_def" events), or null. */
  graph: { name: string; op: string }[] | null;
  /** Whether TensorFlow got imported (it should not: the stub reads the files). */
  tensorflow_imported: boolean;
}

// TensorBoard without TensorFlow (its "notf" mode, the stub TF API with its own record reader and
// CRC checks): registering the marker module makes tensorboard.compat pick the stub, and spares
// the test TensorFlow's import time where TensorFlow is installed too.
const SCRIPT = `
import json, sys, types
sys.modules["tensorboard.compat.notf"] = types.ModuleType("tensorboard.compat.notf")
import numpy as np
from tensorboard.backend.event_processing import event_accumulator as ea
from tensorboard.util import tensor_util
guidance = {k: 0 for k in (ea.TENSORS, ea.SCALARS, ea.HISTOGRAMS, ea.IMAGES, ea.GRAPH,
                            ea.COMPRESSED_HISTOGRAMS, ea.AUDIO, ea.META_GRAPH, ea.RUN_METADATA)}
acc = ea.EventAccumulator(sys.argv[1], size_guidance=guidance)
acc.Reload()
out = {"tags": acc.Tags(), "tensors": {}, "graph": None}
for tag in acc.Tags()["tensors"]:
    meta = acc.SummaryMetadata(tag)
    rows = []
    for ev in acc.Tensors(tag):
        arr = tensor_util.make_ndarray(ev.tensor_proto)
        if arr.dtype.kind in "SO":
            raw = arr.ravel().tolist()
            if meta.plugin_data.plugin_name == "images":
                values = [raw[0].decode(), raw[1].decode()] + [v[:8].hex() for v in raw[2:]]
            else:
                values = [v.decode("utf-8", "replace") for v in raw]
        else:
            values = arr.ravel().tolist()
        rows.append({"step": ev.step, "wallTime": ev.wall_time,
                     "plugin": meta.plugin_data.plugin_name,
                     "content": meta.plugin_data.content.decode("utf-8", "replace"),
                     "dtype": str(arr.dtype), "shape": list(arr.shape), "values": values})
    out["tensors"][tag] = rows
if acc.Tags()["graph"]:
    out["graph"] = [{"name": n.name, "op": n.op} for n in acc.Graph().node]
out["tensorflow_imported"] = "tensorflow" in sys.modules
json.dump(out, sys.stdout)
`;

/** Runs EventAccumulator over `runDir` (one run: the event files directly in it). */
export function accumulate(runDir: string): Accumulated {
  if (tensorboardPython === null) throw new Error("tensorboard is not available");
  const r = spawnSync(tensorboardPython, ["-c", SCRIPT, runDir], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" },
  });
  if (r.status !== 0) throw new Error(`EventAccumulator failed on ${runDir}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Accumulated;
}
