/**
 * TextVectorization's callable `standardize` / `split` in configs. Keras writes a registered
 * function as `{module, class_name: "function", config: name, registered_name}`; JavaScript
 * functions cannot be written into a file, so Strata writes the function's name the same way and
 * `fromConfig` finds it by that name in `customObjects`.
 */
import { ValueError } from "../../../errors.js";

/** Keras's envelope for a function serialized by name. */
export function serializeFunction(fn: (...args: never[]) => unknown): Record<string, unknown> {
  const name = fn.name || "<lambda>";
  return { module: "builtins", class_name: "function", config: name, registered_name: name };
}

/** A config value that names a function (Keras's envelope or a bare registered name). */
function functionNames(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value === "object" && value !== null && "config" in value) {
    const v = value as { config: unknown; registered_name?: unknown };
    const names = [v.registered_name, v.config].filter((n): n is string => typeof n === "string");
    // "package>name" is also looked up by its bare name.
    return names.flatMap((n) => (n.includes(">") ? [n, n.slice(n.indexOf(">") + 1)] : [n]));
  }
  return [];
}

/**
 * The option a config holds: a Keras string mode (or null) unchanged, a serialized function
 * resolved from `customObjects`.
 */
export function resolveFunctionOption(
  value: unknown,
  modes: readonly string[],
  customObjects: Readonly<Record<string, unknown>>,
  where: string,
  arg: string,
): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === "string" && modes.includes(value)) return value;
  const names = functionNames(value);
  for (const n of names) {
    const fn = customObjects[n];
    if (typeof fn === "function") return fn;
  }
  throw new ValueError(
    `${where}: cannot rebuild its ${arg} function "${names[0] ?? JSON.stringify(value)}" from a ` +
      `config: functions are not serialized. Pass it by name in customObjects ` +
      `(e.g. { ${JSON.stringify(names[0] ?? "myFn")}: fn })`,
  );
}
