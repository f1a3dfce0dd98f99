/**
 * A restricted reader for the pickles that NumPy data files contain: object arrays inside `.npy`
 * (Keras's `imdb.npz` / `reuters.npz` hold arrays of Python lists of ints) and the CIFAR batch
 * files (dicts of bytes keys, lists and uint8 arrays). Like Keras's `RestrictedUnpickler`, it only
 * rebuilds NumPy arrays: the sole globals it accepts are `numpy.ndarray`, `numpy.dtype`,
 * `numpy[._]core.multiarray._reconstruct` and `_codecs.encode` (which Python 3 emits for bytes at
 * protocol 2). Anything else is refused, so a tampered file cannot run code — there is no code to
 * run here anyway, only values.
 *
 * Python values become JS values: None → null, bool → boolean, int/float → number (ints outside
 * ±2⁵³ → bigint), str → string, bytes and Python 2 `str` → Uint8Array (as Python 3's
 * `encoding="bytes"`), list and tuple → arrays, dict → Map (bytes keys decoded as latin1 strings,
 * as Keras decodes CIFAR's keys), ndarray → {@link PickledArray} with its raw buffer or item list.
 * Opcodes of protocols 0–5 that such files use are implemented; others raise a clear error.
 */
import { StrataError } from "../errors.js";
import {
  type PickledGlobal,
  asText,
  callGlobal,
  findGlobal,
  latin1,
  pyStringLiteral,
  rawUnicodeEscape,
  setState,
} from "./pickle-numpy.js";

export { PickledArray } from "./pickle-numpy.js";

/** Unpickles `bytes` with the restrictions above. `where` names the source in error messages. */
export function unpickle(bytes: Uint8Array, where = "pickle"): unknown {
  return new Unpickler(bytes, where).load();
}

class Unpickler {
  private pos = 0;
  private stack: unknown[] = [];
  private readonly marks: unknown[][] = [];
  private readonly memo = new Map<number, unknown>();
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly where: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private fail(message: string): never {
    throw new StrataError(`${this.where}: ${message}`);
  }

  private need(n: number): number {
    if (this.pos + n > this.bytes.length) this.fail("truncated pickle data");
    const at = this.pos;
    this.pos += n;
    return at;
  }

  private u8(): number {
    return this.bytes[this.need(1)]!;
  }
  private u16(): number {
    return this.view.getUint16(this.need(2), true);
  }
  private u32(): number {
    return this.view.getUint32(this.need(4), true);
  }
  private u64(): number {
    const at = this.need(8);
    const hi = this.view.getUint32(at + 4, true);
    if (hi > 0x1fffff) this.fail("a length field exceeds 2**53");
    return hi * 2 ** 32 + this.view.getUint32(at, true);
  }
  private take(n: number): Uint8Array {
    // A negative length (BINSTRING's is signed) would move the reader backwards: a loop.
    if (n < 0) this.fail(`negative length ${n} at byte ${this.pos} (corrupt pickle)`);
    const at = this.need(n);
    return this.bytes.slice(at, at + n);
  }
  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.fail("truncated pickle data (a text field has no newline)");
    const text = latin1(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return text;
  }

  private pop(): unknown {
    if (this.stack.length === 0) this.fail("stack underflow (corrupt pickle)");
    return this.stack.pop();
  }
  /** Pushes after popping: `this.stack.push(this.popMark())` would push onto the popped frame. */
  private pushItems(items: unknown[]): void {
    this.stack.push(items);
  }
  private top(): unknown {
    if (this.stack.length === 0) this.fail("stack underflow (corrupt pickle)");
    return this.stack[this.stack.length - 1];
  }
  /** Pops everything pushed since the last MARK. */
  private popMark(): unknown[] {
    const items = this.stack;
    const saved = this.marks.pop();
    if (!saved) this.fail("MARK expected (corrupt pickle)");
    this.stack = saved;
    return items;
  }

  /** The integer of a text opcode (INT, LONG): Python's `int(line, 0)`, else an error. */
  private intText(text: string): number | bigint {
    const m = /^([+-]?)(\d+|0x[\da-f]+|0o[0-7]+|0b[01]+)$/i.exec(text.trim().replace(/_/g, ""));
    if (!m) this.fail(`bad integer literal ${JSON.stringify(text)}`);
    const magnitude = BigInt(m[2]!);
    return this.int(m[1] === "-" ? -magnitude : magnitude);
  }

  private int(value: bigint): number | bigint {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value;
  }

  /** LONG1/LONG4 payload: little-endian two's complement. */
  private long(n: number): number | bigint {
    const b = this.take(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
    return this.int(v);
  }

  private global(module: string, name: string): PickledGlobal {
    return findGlobal(module, name, (m) => this.fail(m));
  }

  private setItems(dict: unknown, items: unknown[]): void {
    if (!(dict instanceof Map)) this.fail("SETITEM on a non-dict");
    for (let i = 0; i + 1 < items.length; i += 2) {
      const key = items[i] instanceof Uint8Array ? latin1(items[i] as Uint8Array) : items[i];
      dict.set(key, items[i + 1]);
    }
  }

  load(): unknown {
    for (;;) {
      const op = this.u8();
      switch (op) {
        case 0x80: // PROTO
          if (this.u8() > 5) this.fail("pickle protocol above 5");
          break;
        case 0x95: // FRAME: a length prefix for buffering; the opcodes follow inline
          this.pos += 8;
          break;
        case 0x2e: // STOP
          return this.pop();
        case 0x28: // MARK
          this.marks.push(this.stack);
          this.stack = [];
          break;
        case 0x30: // POP
          this.pop();
          break;
        case 0x31: // POP_MARK
          this.popMark();
          break;
        case 0x32: // DUP
          this.stack.push(this.top());
          break;
        case 0x4e: // NONE
          this.stack.push(null);
          break;
        case 0x88: // NEWTRUE
          this.stack.push(true);
          break;
        case 0x89: // NEWFALSE
          this.stack.push(false);
          break;
        case 0x4a: // BININT: signed 32-bit
          this.stack.push(this.view.getInt32(this.need(4), true));
          break;
        case 0x4b: // BININT1
          this.stack.push(this.u8());
          break;
        case 0x4d: // BININT2
          this.stack.push(this.u16());
          break;
        case 0x8a: // LONG1
          this.stack.push(this.long(this.u8()));
          break;
        case 0x8b: // LONG4
          this.stack.push(this.long(this.u32()));
          break;
        case 0x49: {
          // INT (text); "01"/"00" are protocol 0's True/False
          const t = this.line();
          this.stack.push(t === "01" ? true : t === "00" ? false : this.intText(t));
          break;
        }
        case 0x4c: // LONG (text, trailing "L")
          this.stack.push(this.intText(this.line().replace(/L$/, "")));
          break;
        case 0x47: // BINFLOAT: big-endian float64
          this.stack.push(this.view.getFloat64(this.need(8), false));
          break;
        case 0x46: // FLOAT (text)
          this.stack.push(Number.parseFloat(this.line()));
          break;
        case 0x53: // STRING (text): a quoted Python 2 str literal, kept as bytes
          this.stack.push(pyStringLiteral(this.line(), (m) => this.fail(m)));
          break;
        case 0x54: // BINSTRING: Python 2 str, kept as bytes
          this.stack.push(this.take(this.view.getInt32(this.need(4), true)));
          break;
        case 0x55: // SHORT_BINSTRING
          this.stack.push(this.take(this.u8()));
          break;
        case 0x42: // BINBYTES
          this.stack.push(this.take(this.u32()));
          break;
        case 0x43: // SHORT_BINBYTES
          this.stack.push(this.take(this.u8()));
          break;
        case 0x8e: // BINBYTES8
        case 0x96: // BYTEARRAY8
          this.stack.push(this.take(this.u64()));
          break;
        case 0x58: // BINUNICODE
          this.stack.push(Buffer.from(this.take(this.u32())).toString("utf8"));
          break;
        case 0x56: // UNICODE (text, raw-unicode-escape: only \uXXXX and \UXXXXXXXX are escapes)
          this.stack.push(rawUnicodeEscape(this.line(), (m) => this.fail(m)));
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.stack.push(Buffer.from(this.take(this.u8())).toString("utf8"));
          break;
        case 0x8d: // BINUNICODE8
          this.stack.push(Buffer.from(this.take(this.u64())).toString("utf8"));
          break;
        case 0x5d: // EMPTY_LIST
          this.stack.push([]);
          break;
        case 0x6c: // LIST
          this.pushItems(this.popMark());
          break;
        case 0x61: {
          // APPEND
          const item = this.pop();
          const list = this.top();
          if (!Array.isArray(list)) this.fail("APPEND to a non-list");
          list.push(item);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = this.popMark();
          const list = this.top();
          if (!Array.isArray(list)) this.fail("APPENDS to a non-list");
          for (const item of items) list.push(item);
          break;
        }
        case 0x29: // EMPTY_TUPLE
          this.stack.push([]);
          break;
        case 0x74: // TUPLE
          this.pushItems(this.popMark());
          break;
        case 0x85: // TUPLE1
          this.stack.push([this.pop()]);
          break;
        case 0x86: {
          // TUPLE2
          const b = this.pop();
          this.stack.push([this.pop(), b]);
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = this.pop();
          const b = this.pop();
          this.stack.push([this.pop(), b, c]);
          break;
        }
        case 0x7d: // EMPTY_DICT
          this.stack.push(new Map());
          break;
        case 0x64: {
          // DICT
          const dict = new Map();
          this.setItems(dict, this.popMark());
          this.stack.push(dict);
          break;
        }
        case 0x73: {
          // SETITEM
          const value = this.pop();
          const key = this.pop();
          this.setItems(this.top(), [key, value]);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = this.popMark();
          this.setItems(this.top(), items);
          break;
        }
        case 0x63: // GLOBAL: "module\nname\n"
          this.stack.push(this.global(this.line(), this.line()));
          break;
        case 0x93: {
          // STACK_GLOBAL
          const name = asText(this.pop());
          const module = asText(this.pop());
          if (name === undefined || module === undefined)
            this.fail("STACK_GLOBAL expects two strings");
          this.stack.push(this.global(module, name));
          break;
        }
        case 0x52: {
          // REDUCE
          const args = this.pop();
          this.stack.push(callGlobal(this.pop(), args, (m) => this.fail(m)));
          break;
        }
        case 0x62: {
          // BUILD
          const state = this.pop();
          setState(this.top(), state, (m) => this.fail(m));
          break;
        }
        case 0x70: // PUT (text)
          this.memo.set(Number(this.line()), this.top());
          break;
        case 0x71: // BINPUT
          this.memo.set(this.u8(), this.top());
          break;
        case 0x72: // LONG_BINPUT
          this.memo.set(this.u32(), this.top());
          break;
        case 0x94: // MEMOIZE
          this.memo.set(this.memo.size, this.top());
          break;
        case 0x67: // GET (text)
          this.stack.push(this.recall(Number(this.line())));
          break;
        case 0x68: // BINGET
          this.stack.push(this.recall(this.u8()));
          break;
        case 0x6a: // LONG_BINGET
          this.stack.push(this.recall(this.u32()));
          break;
        default:
          this.fail(
            `unsupported pickle opcode 0x${op.toString(16).padStart(2, "0")} at byte ${this.pos - 1}`,
          );
      }
    }
  }

  private recall(key: number): unknown {
    if (!this.memo.has(key)) this.fail(`memo key ${key} is missing (corrupt pickle)`);
    return this.memo.get(key);
  }
}
