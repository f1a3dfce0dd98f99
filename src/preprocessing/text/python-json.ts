/**
 * Python's `json.dumps` output with its defaults (", " and ": " separators, `ensure_ascii`), so a
 * Tokenizer's `toJson` is the same text Keras writes for the same tokenizer.
 */

/**
 * A JSON value; a Map is written as an object with its keys in insertion order (a plain object
 * would list integer-like keys first, where Python keeps the dict's order).
 */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | ReadonlyMap<string | number, JsonValue>
  | { [key: string]: JsonValue };

/** A JSON string literal with every character outside printable ASCII escaped as \uXXXX. */
function dumpString(s: string): string {
  return JSON.stringify(s).replace(
    /[^ -~]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** `json.dumps(value)` as Python writes it (key order kept). */
export function pythonJsonDumps(value: JsonValue): string {
  if (value === null) return "null";
  if (typeof value === "string") return dumpString(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "NaN";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  const items = entries.map(([k, v]) => `${dumpString(String(k))}: ${pythonJsonDumps(v)}`);
  return `{${items.join(", ")}}`;
}
