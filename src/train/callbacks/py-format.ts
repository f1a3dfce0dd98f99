/**
 * Python's `str.format` for checkpoint paths, as Keras fills them: `"{epoch:02d}-{val_loss:.2f}.keras"`
 * with `epoch` (and `batch`) as integers and every log as a float. Covers the format-spec mini
 * language `[[fill]align][sign][#][0][width][,|_][.precision][type]` for the types d, e, E, f, F,
 * g, G, % and none, and `{{`/`}}` escapes.
 */
import { StrataError } from "../../errors.js";

/** A value to format: Python int or float (logs are floats in Keras, epoch and batch ints). */
export type PyNumber = { int: number } | { float: number };

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([a-zA-Z%])?$/;

/** Python's exponent: sign and at least two digits (`1e-05`), where JS writes `1e-5`. */
function pyExponent(s: string): string {
  return s.replace(/e([+-])(\d)$/, "e$10$2");
}

/** Python's `repr(float)`: the shortest round-trip digits, in exponent form below 1e-4 or from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, expStr] = x.toExponential().split("e") as [string, string];
  const exp = Number(expStr);
  const neg = mant.startsWith("-");
  const digits = mant.replace("-", "").replace(".", "");
  let body: string;
  if (exp < -4 || exp >= 16) {
    body = pyExponent(
      `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ""}e${exp < 0 ? "-" : "+"}${Math.abs(exp)}`,
    );
  } else if (exp < 0) {
    body = `0.${"0".repeat(-exp - 1)}${digits}`;
  } else {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    body = `${intPart}.${digits.slice(exp + 1) || "0"}`;
  }
  return neg ? `-${body}` : body;
}

/** Python's "g": `p` significant digits, exponent form when exp < -4 or exp >= p. */
function generalFormat(x: number, p: number, alt: boolean, noType: boolean): string {
  const prec = p === 0 ? 1 : p;
  const exp = Number(x.toExponential(prec - 1).split("e")[1]);
  let s: string;
  if (exp >= -4 && exp < prec) {
    s = x.toFixed(prec - 1 - exp);
    if (!alt && s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
    // With no type letter, Python keeps one digit after the point in fixed notation.
    if (noType && !s.includes(".")) s += ".0";
  } else {
    s = x.toExponential(prec - 1);
    if (!alt) s = s.replace(/\.?0+e/, "e");
    s = pyExponent(s);
  }
  return s;
}

function group(intDigits: string, sep: string): string {
  return intDigits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** Formats one value with a format spec, as Python's `format(value, spec)`. */
export function pyFormatValue(value: PyNumber, spec: string, field: string): string {
  const m = SPEC.exec(spec);
  if (!m) throw new StrataError(`Invalid format specifier "${spec}" for {${field}}`);
  const [, fillCh, alignCh, sign = "-", alt, zero, widthStr, sep, precStr, type = ""] = m;
  const isInt = "int" in value;
  const x = isInt ? value.int : value.float;
  if (sep && type && !"dfFeEgG%".includes(type))
    throw new StrataError(`Cannot specify '${sep}' with '${type}' for {${field}}`);
  const precision = precStr === undefined ? undefined : Number(precStr);
  let body: string;
  const abs = Math.abs(x);
  if (!Number.isFinite(x)) {
    body = Number.isNaN(x) ? "nan" : "inf";
    if ("FEG".includes(type) && type !== "") body = body.toUpperCase();
    if (type === "%") body += "%";
  } else if (type === "d" || (type === "" && isInt)) {
    if (!isInt)
      throw new StrataError(`Unknown format code 'd' for object of type 'float' in {${field}}`);
    if (precision !== undefined)
      throw new StrataError(`Precision not allowed in integer format specifier for {${field}}`);
    body = String(abs);
  } else if (type === "f" || type === "F") {
    body = abs.toFixed(precision ?? 6);
  } else if (type === "e" || type === "E") {
    body = pyExponent(abs.toExponential(precision ?? 6));
    if (type === "E") body = body.toUpperCase();
  } else if (type === "%") {
    body = `${(abs * 100).toFixed(precision ?? 6)}%`;
  } else if (type === "g" || type === "G") {
    body = generalFormat(abs, precision ?? 6, Boolean(alt), false);
    if (type === "G") body = body.toUpperCase();
  } else if (type === "") {
    body =
      precision === undefined
        ? pyFloatRepr(abs)
        : generalFormat(abs, precision, Boolean(alt), true);
  } else {
    throw new StrataError(
      `Unknown format code '${type}' for object of type '${isInt ? "int" : "float"}' in {${field}}`,
    );
  }
  if (sep && Number.isFinite(x) && !body.includes("e")) {
    const [, digits = "", rest = ""] = /^(\d+)(.*)$/.exec(body) ?? [];
    body = group(digits, sep) + rest;
  }
  const negative = x < 0 || Object.is(x, -0);
  const signStr = negative ? "-" : sign === "+" ? "+" : sign === " " ? " " : "";
  const width = widthStr === undefined ? 0 : Number(widthStr);
  // The "0" flag means fill with zeros between the sign and the digits (alignment "=").
  const fill = fillCh ?? (zero && !alignCh ? "0" : " ");
  const align = alignCh ?? (zero ? "=" : ">");
  const pad = Math.max(0, width - signStr.length - body.length);
  if (align === "=") return signStr + fill.repeat(pad) + body;
  const text = signStr + body;
  if (align === "<") return text + fill.repeat(pad);
  if (align === "^")
    return fill.repeat(Math.floor(pad / 2)) + text + fill.repeat(Math.ceil(pad / 2));
  return fill.repeat(pad) + text;
}

/**
 * `template.format(**values)`: each `{name}` or `{name:spec}` is replaced; a name missing from
 * `values` is an error that names it, like Keras's "Failed to format this callback filepath".
 */
export function pyFormat(
  template: string,
  values: Readonly<Record<string, PyNumber>>,
  who: string,
): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const ch = template[i]!;
    if ((ch === "{" || ch === "}") && template[i + 1] === ch) {
      out += ch;
      i += 2;
    } else if (ch === "{") {
      const end = template.indexOf("}", i);
      if (end < 0)
        throw new StrataError(`${who}: failed to format the filepath "${template}": unmatched "{"`);
      const field = template.slice(i + 1, end);
      const colon = field.indexOf(":");
      const name = (colon < 0 ? field : field.slice(0, colon)).replace(/![rsa]$/, "");
      const value = values[name];
      if (value === undefined) {
        throw new StrataError(
          `${who}: failed to format the filepath "${template}": no value for {${name}}; ` +
            `available: ${Object.keys(values).join(", ")}`,
        );
      }
      out += pyFormatValue(value, colon < 0 ? "" : field.slice(colon + 1), name);
      i = end + 1;
    } else if (ch === "}") {
      throw new StrataError(
        `${who}: failed to format the filepath "${template}": single "}" encountered`,
      );
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}
