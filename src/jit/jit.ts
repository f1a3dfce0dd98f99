import { tapesActive } from "../autodiff/tape.js";
import { Variable } from "../autodiff/variable.js";
import {
  type ActiveBackend,
  activeRecorder,
  currentBackend,
  setRecorder,
} from "../backend/index.js";
import { StrataError, ValueError } from "../errors.js";
import type { NumericDType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { Program } from "./program.js";
import { type Recording, type TensorRef, Tracer } from "./trace.js";

/*
 * `st.jit(fn)` and what `compile({jitCompile})` runs: the first calls of `fn` for a given
 * signature (its tensors' shapes and dtypes, its other arguments' values) run eagerly while a
 * Tracer records them; once two consecutive traces agree, later calls replay the recording
 * (program.ts) instead of running `fn`'s JavaScript. Two traces must agree because JavaScript
 * values the step computes (scalars, index lists, a layer's counters) are fixed in a recording:
 * a step whose recording changes from call to call is not one recording, and runs eagerly.
 *
 * jitCompile (Keras's meaning): "auto" compiles what can be compiled and runs the rest eagerly;
 * true does the same but throws, naming the cause, where a step cannot be compiled; false never
 * compiles. Calls under a gradient tape, or inside another trace, always run `fn` itself.
 */

export type JitCompile = boolean | "auto";

export interface JitOptions {
  /** Keras's jit_compile: "auto" (default), true or false. */
  jitCompile?: JitCompile;
  /** Names the step in errors and in `explain()`. */
  name?: string;
}

/** How a compiled function has run so far. */
export interface JitStats {
  /** calls that ran `fn` eagerly while tracing it */
  traced: number;
  /** calls that replayed a recording */
  replayed: number;
  /** calls that ran `fn` eagerly without tracing */
  eager: number;
  /** signatures with a recording, and those that run eagerly, with why */
  compiledSignatures: number;
  eagerSignatures: { signature: string; reason: string }[];
  /** kernel calls per replay and pooled bytes, per compiled signature */
  programs: {
    kernelCalls: number;
    removedKernelCalls: number;
    /** skipped while the weights they read are unchanged (inference) */
    foldedKernelCalls: number;
    poolBytes: number;
  }[];
}

export type JitFunction<A extends unknown[], R> = ((...args: A) => R) & {
  readonly stats: () => JitStats;
};

/** At most this many signatures keep a recording (Keras and JAX retrace for new shapes too). */
const MAX_SIGNATURES = 8;
/** Traces that disagree with the one before before a signature is run eagerly for good. */
const MAX_TRACES = 3;

type Entry =
  | { stage: "tracing"; last: TraceResult | null; traces: number }
  | { stage: "compiled"; program: Program; output: Template }
  | { stage: "eager"; reason: string };

interface TraceResult {
  recording: Recording;
  output: Template;
}

/** How the function's result is rebuilt at replay. */
type Template =
  | { t: "tensor"; tensor: TensorRef }
  | { t: "region"; index: number }
  | { t: "array"; items: Template[] }
  | { t: "object"; entries: [string, Template][] }
  | { t: "value"; value: unknown };

/** Keras's jit_compile values; undefined is "auto". */
export function checkJitCompile(value: unknown, where: string): JitCompile {
  if (value === undefined) return "auto";
  if (value === true || value === false || value === "auto") return value;
  throw new ValueError(
    `${where}: jitCompile must be true, false or "auto"; received ${JSON.stringify(value)}`,
  );
}

/** `fn` compiled: traced on its first calls per signature, then replayed (see above). */
export function jit<A extends unknown[], R>(
  fn: (...args: A) => R,
  opts: JitOptions = {},
): JitFunction<A, R> {
  const name = opts.name ?? (fn.name || "jit function");
  const mode = checkJitCompile(opts.jitCompile, name);
  const cache = new Map<string, Entry>();
  const stats = { traced: 0, replayed: 0, eager: 0 };

  const call = (...args: A): R => {
    if (mode === false || activeRecorder() !== null || tapesActive()) {
      stats.eager++;
      return fn(...args);
    }
    const sig = signatureOf(args);
    if (sig.refusal) settle(sig.key, sig.refusal);
    let entry = cache.get(sig.key);
    if (!entry) {
      if (cache.size >= MAX_SIGNATURES) cache.delete(cache.keys().next().value!);
      entry = { stage: "tracing", last: null, traces: 0 };
      cache.set(sig.key, entry);
    }
    if (entry.stage === "eager") {
      stats.eager++;
      return fn(...args);
    }
    if (entry.stage === "compiled") {
      stats.replayed++;
      const { buffers, regions } = entry.program.replay(sig.tensors.map((t) => t.storage));
      return rebuild(entry.output, buffers, regions, sig.backend) as R;
    }
    return trace(sig, entry, args);
  };

  const trace = (sig: Signature, entry: Entry & { stage: "tracing" }, args: A): R => {
    stats.traced++;
    const tracer = new Tracer(sig.backend);
    for (const t of sig.tensors) tracer.input(t.storage, t.dtype as NumericDType, t.size);
    const previous = setRecorder(tracer);
    let result: R;
    try {
      result = fn(...args);
    } finally {
      setRecorder(previous);
    }
    const output = tracer.stopped === null ? templateOf(result, tracer) : null;
    entry.traces++;
    if (tracer.stopped !== null || output === null) {
      // Tried again on the next call (a first call may build layers, drawing their weights).
      entry.last = null;
      if (entry.traces >= MAX_TRACES)
        settle(sig.key, tracer.stopped ?? "its result cannot be rebuilt");
      return result;
    }
    const now = { recording: tracer.finish(), output };
    const difference = entry.last && differenceBetween(entry.last, now);
    if (entry.last && difference === null) {
      cache.set(sig.key, { stage: "compiled", program: new Program(now.recording), output });
    } else if (entry.traces >= MAX_TRACES) {
      settle(sig.key, `its recording changes from call to call: ${difference}`);
    } else {
      entry.last = now;
    }
    return result;
  };

  /** A signature that cannot be compiled runs eagerly from now on ("auto"), or throws (true). */
  const settle = (key: string, reason: string): void => {
    if (mode === true) {
      throw new StrataError(`${name}: this step cannot be compiled (jitCompile: true): ${reason}`);
    }
    cache.set(key, { stage: "eager", reason });
  };

  return Object.assign(call, {
    stats: (): JitStats => {
      const entries = [...cache.entries()];
      return {
        ...stats,
        compiledSignatures: entries.filter(([, e]) => e.stage === "compiled").length,
        eagerSignatures: entries.flatMap(([signature, e]) =>
          e.stage === "eager" ? [{ signature, reason: e.reason }] : [],
        ),
        programs: entries.flatMap(([, e]) =>
          e.stage === "compiled"
            ? [
                {
                  kernelCalls: e.program.kernelCalls,
                  removedKernelCalls: e.program.removedKernelCalls,
                  foldedKernelCalls: e.program.foldedKernelCalls,
                  poolBytes: e.program.poolBytes,
                },
              ]
            : [],
        ),
      };
    },
  });
}

// ------------------------------------------------------------------ signatures

interface Signature {
  key: string;
  tensors: Tensor[];
  backend: ActiveBackend;
  refusal: string | null;
}

/**
 * The cache key of a call: tensors by shape and dtype (and which are the same tensor), other
 * values by value, objects of other classes by identity.
 */
function signatureOf(args: readonly unknown[]): Signature {
  const tensors: Tensor[] = [];
  let refusal: string | null = null;
  const walk = (v: unknown, depth: number): string => {
    if (v instanceof Tensor) {
      if (v.dtype === "string") {
        refusal = "a string tensor is an input (strings are processed in JavaScript)";
        return "s";
      }
      const seen = tensors.indexOf(v);
      if (seen >= 0) return `T${seen}`;
      tensors.push(v);
      return `T${v.dtype}[${v.shape.join(",")}]`;
    }
    if (v === null || typeof v !== "object") {
      return typeof v === "function" ? `f${idOf(v)}` : (JSON.stringify(v) ?? "u");
    }
    if (depth > 8) return `o${idOf(v)}`;
    if (Array.isArray(v)) return `[${v.map((x) => walk(x, depth + 1)).join(",")}]`;
    if (v instanceof Variable || Object.getPrototypeOf(v) !== Object.prototype) {
      return `o${idOf(v)}`;
    }
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}:${walk(x, depth + 1)}`)
      .join(",")}}`;
  };
  const backend = currentBackend();
  const key = `${backend.name}|${args.map((a) => walk(a, 0)).join("|")}`;
  return { key, tensors, backend, refusal };
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;
function idOf(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) objectIds.set(o, (id = nextObjectId++));
  return id;
}

// ------------------------------------------------------------------ outputs

function templateOf(value: unknown, tracer: Tracer): Template | null {
  const region = tracer.regionIndexOf(value);
  if (region >= 0 && typeof value === "object" && value !== null)
    return { t: "region", index: region };
  if (value instanceof Tensor) {
    if (value.dtype === "string") {
      tracer.stop("the step returns a string tensor");
      return null;
    }
    const tensor = tracer.tensorRef(value.storage, value.shape, value.dtype as NumericDType);
    tracer.escape(tensor.ref);
    return { t: "tensor", tensor };
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => templateOf(v, tracer));
    return items.every((i) => i !== null) ? { t: "array", items: items as Template[] } : null;
  }
  if (
    value !== null &&
    typeof value === "object" &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const entries = Object.entries(value).map(([k, v]) => [k, templateOf(v, tracer)] as const);
    return entries.every(([, t]) => t !== null)
      ? { t: "object", entries: entries as [string, Template][] }
      : null;
  }
  return { t: "value", value };
}

function rebuild(
  t: Template,
  buffers: readonly unknown[],
  regions: readonly unknown[],
  backend: ActiveBackend,
): unknown {
  switch (t.t) {
    case "tensor":
      return new Tensor(buffers[t.tensor.ref] as never, t.tensor.shape, t.tensor.dtype, backend);
    case "region":
      return regions[t.index];
    case "array":
      return t.items.map((i) => rebuild(i, buffers, regions, backend));
    case "object":
      return Object.fromEntries(
        t.entries.map(([k, v]) => [k, rebuild(v, buffers, regions, backend)]),
      );
    case "value":
      return t.value;
  }
}

// ------------------------------------------------------------------ comparing two traces

/** Where two traces of one signature differ, or null when they are the same recording. */
function differenceBetween(a: TraceResult, b: TraceResult): string | null {
  const fa = a.recording.fingerprint;
  const fb = b.recording.fingerprint;
  for (let i = 0; i < Math.max(fa.length, fb.length); i++) {
    if (fa[i] !== fb[i]) return `"${fa[i] ?? "(end)"}" became "${fb[i] ?? "(end)"}"`;
  }
  const ia = a.recording.identities;
  const ib = b.recording.identities;
  for (let i = 0; i < ia.length; i++) {
    if (ia[i] !== ib[i]) return `step ${i} uses another ${describe(ib[i])} than before`;
  }
  const va = a.recording.values;
  const vb = b.recording.values;
  for (let i = 0; i < va.length; i++) {
    const x = va[i]!.hostValues;
    const y = vb[i]!.hostValues;
    if (x && y && (x.length !== y.length || x.some((v, j) => !Object.is(v, y[j])))) {
      return `host values computed in JavaScript (value ${i}) differ between calls`;
    }
  }
  const ta = JSON.stringify(a.output, sameValue);
  const tb = JSON.stringify(b.output, sameValue);
  if (ta !== tb) return "the step's result differs between calls";
  return null;
}

function sameValue(_key: string, v: unknown): unknown {
  return typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    Object.getPrototypeOf(v) !== Object.prototype
    ? `#${idOf(v)}`
    : v;
}

function describe(o: unknown): string {
  return o instanceof Variable ? `variable (${o.name})` : "constant tensor";
}
