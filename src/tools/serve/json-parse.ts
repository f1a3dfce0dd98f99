/**
 * Request bodies as TensorFlow Serving reads them: JSON, plus the tokens `NaN`, `Infinity` and
 * `-Infinity` its REST API accepts for floating-point values (RFC 8259 has no such numbers, so
 * `JSON.parse` refuses them). Ordinary bodies go through `JSON.parse`; only a body it rejects
 * that mentions those tokens is read again by the small parser below.
 */
import { ValueError } from "../../errors.js";

/** The parsed body; a malformed one is a ValueError starting "JSON Parse error:" as TF Serving's. */
export function parseRequestJson(text: string): unknown {
  if (text.trim() === "") throw new ValueError("JSON Parse error: The document is empty");
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!/NaN|Infinity/.test(text)) {
      throw new ValueError(`JSON Parse error: ${(err as Error).message}`);
    }
  }
  return new LenientParser(text).document();
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS: ReadonlyArray<[string, unknown]> = [
  ["true", true],
  ["false", false],
  ["null", null],
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
];

/** A recursive-descent JSON reader that also takes NaN, Infinity and -Infinity as numbers. */
class LenientParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  document(): unknown {
    const value = this.value();
    this.space();
    if (this.pos !== this.text.length)
      this.fail("The document root must not be followed by other values");
    return value;
  }

  private fail(what: string): never {
    throw new ValueError(`JSON Parse error: ${what} at offset: ${this.pos}`);
  }

  private space(): void {
    while (/\s/.test(this.text[this.pos] ?? "")) this.pos++;
  }

  private value(): unknown {
    this.space();
    const c = this.text[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    for (const [word, v] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) this.fail("Invalid value");
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private string(): string {
    let end = this.pos + 1;
    while (end < this.text.length && this.text[end] !== '"') end += this.text[end] === "\\" ? 2 : 1;
    if (end >= this.text.length) this.fail("Missing a closing quotation mark in string");
    const raw = this.text.slice(this.pos, end + 1);
    this.pos = end + 1;
    try {
      return JSON.parse(raw) as string;
    } catch {
      return this.fail("Invalid escape or character in string");
    }
  }

  private array(): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.space();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.space();
      const c = this.text[this.pos++];
      if (c === "]") return out;
      if (c !== ",") this.fail("Missing a comma or ']' after an array element");
    }
  }

  private object(): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    this.space();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text[this.pos] !== '"') this.fail("Missing a name for object member");
      const key = this.string();
      this.space();
      if (this.text[this.pos++] !== ":") this.fail("Missing a colon after a name of object member");
      out[key] = this.value();
      this.space();
      const c = this.text[this.pos++];
      if (c === "}") return out;
      if (c !== ",") this.fail("Missing a comma or '}' after an object member");
    }
  }
}
