// Runs the real HDF5 library (through h5py) on files Strata wrote. Tests that use it skip when
// no Python with h5py is found (CI installs Debian's python3-h5py; see .ci/run).
import { spawnSync } from "node:child_process";

/** A Python that can `import h5py`, or null. STRATA_PYTHON overrides the search. */
export const h5pyPython: string | null = (() => {
  const candidates = [process.env.STRATA_PYTHON, "python3", "/usr/bin/python3"];
  for (const py of candidates) {
    if (!py) continue;
    const r = spawnSync(py, ["-c", "import h5py"], { stdio: "ignore" });
    if (r.status === 0) return py;
  }
  return null;
})();

/** Why h5py tests are skipped, for node:test's `skip` option (false when h5py is available). */
export const skipWithoutH5py: string | false =
  h5pyPython === null ? "h5py is not installed (apt-get install python3-h5py)" : false;

export type H5Entry =
  { kind: "group" } | { kind: "dataset"; shape: number[]; dtype: string; values: number[] };

// Lists every object of a file with h5py: groups, and datasets with shape, dtype and values.
const DUMP = `
import sys, json, h5py
out = {}
def visit(name, obj):
    if isinstance(obj, h5py.Group):
        out[name] = {"kind": "group"}
    else:
        out[name] = {"kind": "dataset", "shape": list(obj.shape), "dtype": str(obj.dtype),
                     "values": obj[()].ravel().tolist() if obj.shape != () else [obj[()].item()]}
with h5py.File(sys.argv[1], "r") as f:
    f.visititems(visit)
json.dump(out, sys.stdout)
`;

/** What h5py (libhdf5) sees in the HDF5 file at `path`, by object path. */
export function h5pyDump(path: string): Record<string, H5Entry> {
  if (h5pyPython === null) throw new Error("h5py is not available");
  const r = spawnSync(h5pyPython, ["-c", DUMP, path], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`h5py could not read ${path}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, H5Entry>;
}

/** The tree alone: each path with "group" or "dataset <dtype> <shape>". */
export function h5pyTree(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h5pyDump(path))) {
    out[k] = v.kind === "group" ? "group" : `dataset ${v.dtype} [${v.shape.join(",")}]`;
  }
  return out;
}
