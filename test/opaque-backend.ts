import type { Backend, CoreKernels, HostArrays, StorageKinds } from "../src/backend/backend.js";
import { tsKernels } from "../src/backend/ts/index.js";
import { allocate } from "../src/tensor/dtype.js";
import type { TypedArray } from "../src/tensor/dtype.js";
import { registerBackend } from "../src/backend/index.js";

/*
 * A backend whose storage is opaque, as a GPU's would be: a box whose values only this file can
 * reach. Code above backend/ that touched host arrays (rather than reading through dataSync /
 * data / item) would fail on it. It has the core kernels only, so every op with an optional fused
 * kernel runs its composite here. `npm run test:opaque` runs the whole suite on it.
 */

/*
 * Its memory is kept apart from the boxes, as a device's would be: a box holds only a key into
 * `memory`, and the backend frees an entry when the garbage collector takes the box (the
 * FinalizationRegistry), so users never dispose anything and `memory()` says what is held.
 */
const memory = new Map<number, TypedArray>();
const release = new FinalizationRegistry<number>((key) => memory.delete(key));
let nextKey = 0;

/** A tensor's values, reachable only through this module. */
class Box {
  readonly #key = nextKey++;
  constructor(values: TypedArray) {
    memory.set(this.#key, values);
    release.register(this, this.#key);
  }
  static open(box: Box): TypedArray {
    return memory.get(box.#key)!;
  }
}

interface Boxes extends StorageKinds {
  any: Box;
  float: Box;
  int32: Box;
  bool: Box;
}

const open = (b: Box): never => Box.open(b) as never;
const openOrNull = (b: Box | null): never => (b === null ? null : Box.open(b)) as never;

/** Each core kernel of the TS backend, run on the arrays inside the boxes. */
function boxed(k: CoreKernels<HostArrays>): CoreKernels<Boxes> {
  return {
    unary: (op, x, out) => k.unary(op, open(x), open(out)),
    binary: (op, a, b, out, plan) => k.binary(op, open(a), open(b), open(out), plan),
    where: (c, a, b, out, plan) => k.where(open(c), open(a), open(b), open(out), plan),
    cast: (x, out) => k.cast(open(x), open(out)),
    copy: (x, xo, out, oo, plan) => k.copy(open(x), xo, open(out), oo, plan),
    reduce: (op, x, out, o, s, i) => k.reduce(op, open(x), open(out), o, s, i),
    cumsum: (x, out, o, s, i) => k.cumsum(open(x), open(out), o, s, i),
    sort: (x, v, idx, r, s, d) => k.sort(open(x), open(v), open(idx), r, s, d),
    gather: (x, idx, out, o, s, i) => k.gather(open(x), open(idx), open(out), o, s, i),
    scatterAdd: (u, idx, out, o, s, i) => k.scatterAdd(open(u), open(idx), open(out), o, s, i),
    matmul: (a, b, out, m, kk, n, ta, tb, batch, sa, sb) =>
      k.matmul(open(a), open(b), open(out), m, kk, n, ta, tb, batch, sa, sb),
    conv: (x, w, out, p) => k.conv(open(x), open(w), open(out), p),
    convBackpropInput: (dy, w, dx, p) => k.convBackpropInput(open(dy), open(w), open(dx), p),
    convBackpropFilter: (x, dy, dw, p) => k.convBackpropFilter(open(x), open(dy), open(dw), p),
    maxPool: (x, out, argmax, p) => k.maxPool(open(x), open(out), openOrNull(argmax), p),
    maxPoolBackprop: (dy, argmax, dx, p) => k.maxPoolBackprop(open(dy), open(argmax), open(dx), p),
    avgPool: (x, out, p) => k.avgPool(open(x), open(out), p),
    avgPoolBackprop: (dy, dx, p) => k.avgPoolBackprop(open(dy), open(dx), p),
  };
}

export const opaqueBackend: Backend<Boxes> & Required<Pick<Backend<Boxes>, "memory">> = {
  name: "opaque",
  hostMemory: false,
  kernels: boxed(tsKernels),
  allocate: (dtype, size) => new Box(allocate(dtype, size)),
  fromHost: (values) => new Box(values),
  readSync: (box) => Box.open(box),
  read: (box) => Promise.resolve(Box.open(box)),
  memory: () => ({
    tensors: memory.size,
    bytes: [...memory.values()].reduce((n, v) => n + v.byteLength, 0),
  }),
};

let registered = false;

/** Registers the opaque backend, once (it is never chosen by default). */
export function registerOpaqueBackend(): void {
  if (registered) return;
  registered = true;
  registerBackend({ name: "opaque", priority: 0, load: () => opaqueBackend });
}
