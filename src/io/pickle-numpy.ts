/**
 * The NumPy side of the restricted unpickler (io/pickle.ts): the only globals a pickle may name,
 * what calling them builds (`_reconstruct` → an empty array, `dtype(code, …)` → a dtype, and
 * `_codecs.encode(text, "latin1")` → bytes), and their `__setstate__` (BUILD). Also the decoders
 * of protocol 0's text literals.
 */

/** Reports a format error; the unpickler prefixes the source name. */
export type Fail = (message: string) => never;

/** A NumPy array rebuilt from a pickle: shape, `.npy`-style descr and raw data or items. */
export class PickledArray {
  shape: number[] = [];
  /** NumPy's array-protocol type string: `<f8`, `|u1`, `|O` … */
  descr = "";
  fortranOrder = false;
  /** Raw element bytes for numeric dtypes; the items (flat) for object arrays. */
  data: Uint8Array | unknown[] = [];
}

/** A `numpy.dtype` while it is being rebuilt (code from its arguments, byte order from BUILD). */
export class PickledDType {
  byteorder = "|";
  constructor(readonly code: string) {}

  get descr(): string {
    // NumPy writes the object dtype as "O8" (pointer size) but names it "|O" in descr strings.
    if (this.code.startsWith("O")) return "|O";
    const order = this.byteorder === "=" ? "<" : this.byteorder;
    return `${order}${this.code}`;
  }
}

export class PickledGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
}

const RECONSTRUCT = new Set([
  "numpy.core.multiarray._reconstruct",
  "numpy._core.multiarray._reconstruct",
]);
const ALLOWED = new Set([...RECONSTRUCT, "numpy.ndarray", "numpy.dtype", "_codecs.encode"]);

/** Decodes bytes whose code points are the byte values (Python's latin1). */
export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

export function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return latin1(value);
  return undefined;
}

export function findGlobal(module: string, name: string, fail: Fail): PickledGlobal {
  const full = `${module}.${name}`;
  if (!ALLOWED.has(full)) {
    fail(
      `refusing to load the global "${full}": only NumPy array reconstruction is allowed ` +
        "(the file may be corrupt or malicious)",
    );
  }
  return new PickledGlobal(module, name);
}

/** REDUCE: calls one of the allowed globals. */
export function callGlobal(fn: unknown, args: unknown, fail: Fail): unknown {
  if (!(fn instanceof PickledGlobal) || !Array.isArray(args)) fail("REDUCE of a non-callable");
  const full = `${fn.module}.${fn.name}`;
  if (RECONSTRUCT.has(full)) return new PickledArray();
  if (full === "numpy.dtype") {
    const code = asText(args[0]);
    if (code === undefined) fail("numpy.dtype expects a type code string");
    return new PickledDType(code);
  }
  if (full === "_codecs.encode") {
    // Python 3 writes bytes at protocol 2 as _codecs.encode(latin1 text, "latin1").
    const text = asText(args[0]);
    if (text === undefined || asText(args[1]) !== "latin1") fail("unsupported _codecs.encode call");
    return new Uint8Array(Buffer.from(text, "latin1"));
  }
  return fail(`cannot call "${full}"`);
}

/** BUILD: `__setstate__` of a dtype or an ndarray. */
export function setState(obj: unknown, state: unknown, fail: Fail): void {
  if (!Array.isArray(state)) fail("BUILD state must be a tuple");
  if (obj instanceof PickledDType) {
    // (version, byteorder, subdescr, names, fields, elsize, alignment, flags[, metadata])
    const order = asText(state[1]);
    if (order !== undefined) obj.byteorder = order;
    if (state[3] !== null && state[3] !== undefined) fail("structured dtypes are not supported");
    return;
  }
  if (obj instanceof PickledArray) {
    // ndarray.__setstate__: (version, shape, dtype, is_fortran, data); old files omit version.
    const s = state.length === 5 ? state.slice(1) : state;
    const [shape, dtype, fortran, data] = s;
    if (!Array.isArray(shape) || !(dtype instanceof PickledDType)) fail("corrupt ndarray state");
    obj.shape = shape.map((d) => Number(d));
    obj.descr = dtype.descr;
    obj.fortranOrder = fortran === true || fortran === 1;
    if (Array.isArray(data)) obj.data = data;
    else if (data instanceof Uint8Array) obj.data = data;
    else if (typeof data === "string") obj.data = new Uint8Array(Buffer.from(data, "latin1"));
    else fail("corrupt ndarray data");
    return;
  }
  fail("BUILD is only supported for NumPy arrays and dtypes");
}

/** Decodes a protocol-0 `'…'` literal with Python's backslash escapes into bytes. */
export function pyStringLiteral(literal: string, fail: Fail): Uint8Array {
  const q = literal[0];
  if (literal.length < 2 || (q !== "'" && q !== '"') || literal[literal.length - 1] !== q) {
    fail("malformed STRING literal");
  }
  const body = literal.slice(1, -1);
  const out: number[] = [];
  const simple: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      out.push(c.charCodeAt(0) & 0xff);
      continue;
    }
    const e = body[++i];
    if (e === undefined) fail("malformed STRING literal (trailing backslash)");
    if (e in simple) out.push(simple[e]!);
    else if (e === "x") {
      out.push(Number.parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e >= "0" && e <= "7") {
      const digits = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out.push(Number.parseInt(digits, 8) & 0xff);
      i += digits.length - 1;
    } else if (e === "\\" || e === "'" || e === '"') out.push(e.charCodeAt(0));
    else if (e !== "\n") out.push(0x5c, e.charCodeAt(0) & 0xff); // unknown escape: kept as is
  }
  return Uint8Array.from(out);
}

/** Protocol 0's UNICODE text (raw-unicode-escape): only \uXXXX and \UXXXXXXXX are escapes. */
export function rawUnicodeEscape(text: string, fail: Fail): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, u?: string, U?: string) => {
    const code = Number.parseInt((u ?? U)!, 16);
    if (code > 0x10ffff) fail(`UNICODE escape \\U${U} is beyond U+10FFFF`);
    return String.fromCodePoint(code);
  });
}
