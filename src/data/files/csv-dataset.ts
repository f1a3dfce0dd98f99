/**
 * `makeCsvDataset`: tf.data's `experimental.make_csv_dataset`. CSV files (a glob pattern or a
 * list) are streamed through `csv-parse` and yielded as batches of columns: an object from column
 * name to a [batch] tensor (int32, float32 or string), and with `labelName` the pair
 * `[features, label]`. As tf.data: column names come from the header unless given; column types
 * come from `columnDefaults` or are inferred from the first `numRowsForInference` rows (int32,
 * float32 when a value is not an integer or does not fit int32, string when a value is not a
 * number; missing values count for nothing); a missing field (`naValue`, "" by default) takes its
 * column's default (0 or "" when inferred) or is an error for a required column; the files are
 * shuffled and rows go through a shuffle buffer when `shuffle`; `numEpochs` null (the default)
 * repeats forever and then drops the last partial batch, as tf.data does.
 */
import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import { StrataError, ValueError } from "../../errors.js";
import { type Tensor, fromStrings, fromValues } from "../../tensor/tensor.js";
import { AUTOTUNE, Dataset } from "../dataset/dataset.js";
import { RandomState } from "../datasets/random-state.js";
import { matchFiles } from "./file-pattern.js";

type ColumnType = "int32" | "float32" | "string";
/** A column's default: a value (its type: float32 for numbers, string), or a dtype (required). */
export type ColumnDefault = number | string | ColumnType | null;

export interface CsvDatasetOptions {
  /** Names of the columns in file order; read from the header when absent. */
  columnNames?: readonly string[] | null;
  /**
   * One per selected column: a number (float32) or string default for missing fields, or a
   * dtype name ("int32", "float32", "string") for a required column of that type. Inferred when
   * absent.
   */
  columnDefaults?: readonly ColumnDefault[] | null;
  /** The column yielded apart as the label. */
  labelName?: string | null;
  /** The columns to keep, by name or index. */
  selectColumns?: readonly (string | number)[] | null;
  /** Field separator. Default ",". */
  fieldDelim?: string;
  /** Whether '"' quotes fields. Default true. */
  useQuoteDelim?: boolean;
  /** The text that marks a missing field. Default "". */
  naValue?: string;
  /** Whether each file starts with a header line. Default true. */
  header?: boolean;
  /** Passes over the files; null repeats forever. Default null. */
  numEpochs?: number | null;
  /** Shuffle the files and the rows. Default true. */
  shuffle?: boolean;
  /** Rows in the shuffle buffer. Default 10000. */
  shuffleBufferSize?: number;
  shuffleSeed?: number | null;
  /** Batches prepared ahead. Default: a few. */
  prefetchBufferSize?: number | null;
  /** Rows read to infer the column types. Default 100. */
  numRowsForInference?: number;
  /** Skip rows that do not parse instead of failing. Default false. */
  ignoreErrors?: boolean;
}

const KNOWN = [
  "columnNames",
  "columnDefaults",
  "labelName",
  "selectColumns",
  "fieldDelim",
  "useQuoteDelim",
  "naValue",
  "header",
  "numEpochs",
  "shuffle",
  "shuffleBufferSize",
  "shuffleSeed",
  "prefetchBufferSize",
  "numRowsForInference",
  "ignoreErrors",
];

const WHERE = "makeCsvDataset";

/** A batch: the columns by name, and the label column apart when `labelName` is given. */
export type CsvElement<O> = O extends { labelName: string }
  ? [Record<string, Tensor>, Tensor]
  : Record<string, Tensor>;

interface Row {
  fields: string[];
  file: string;
  line: number;
}

/** The records of one file as string arrays, with their line numbers. */
async function* readRows(
  file: string,
  delimiter: string,
  quote: boolean,
  header: boolean,
): AsyncGenerator<Row> {
  const parser = createReadStream(file).pipe(
    parse({
      delimiter,
      quote: quote ? '"' : false,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      from_line: header ? 2 : 1,
    }),
  );
  try {
    for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>)
      yield { fields: r.record, file, line: r.info.lines };
  } catch (err) {
    throw new StrataError(`${WHERE}: could not parse ${file}: ${(err as Error).message}`);
  }
}

/** The header line of `file`. */
async function readHeader(file: string, delimiter: string, quote: boolean): Promise<string[]> {
  for await (const row of readRows(file, delimiter, quote, false)) return row.fields;
  throw new ValueError(`${WHERE}: ${file} is empty; expected a header line with the column names`);
}

const INT = /^[+-]?\d+$/;

function isNumber(s: string): boolean {
  const t = s.trim();
  return t !== "" && Number.isFinite(Number(t));
}

/** tf.data's inference order: int32, then float32, then string. */
function widen(current: ColumnType | null, value: string): ColumnType {
  const t = value.trim();
  let own: ColumnType = "string";
  if (INT.test(t) && Math.abs(Number(t)) <= 2147483647) own = "int32";
  else if (isNumber(t)) own = "float32";
  const order: (ColumnType | null)[] = [null, "int32", "float32", "string"];
  return order.indexOf(own) > order.indexOf(current) ? own : current!;
}

interface Column {
  name: string;
  /** Its index in a file's records. */
  index: number;
  type: ColumnType;
  /** The value of a missing field; null: required. */
  fill: number | string | null;
}

/** One batch of rows as column tensors. */
function toColumns(rows: readonly Row[], columns: readonly Column[], na: string): Tensor[] {
  return columns.map((c) => {
    const n = rows.length;
    if (c.type === "string") {
      const values = rows.map((r) => {
        const v = r.fields[c.index];
        if (v === undefined || v === na) return fieldFill(c, r) as string;
        return v;
      });
      return fromStrings(values, [n]);
    }
    const out = c.type === "int32" ? new Int32Array(n) : new Float32Array(n);
    rows.forEach((r, i) => {
      const v = r.fields[c.index];
      if (v === undefined || v === na) {
        out[i] = fieldFill(c, r) as number;
        return;
      }
      const t = v.trim();
      const ok =
        c.type === "int32" ? INT.test(t) && Math.abs(Number(t)) <= 2147483647 : isNumber(t);
      if (!ok)
        throw new StrataError(
          `${WHERE}: ${r.file}, line ${r.line}: column "${c.name}" holds ${c.type} values; received ${JSON.stringify(v)}`,
        );
      out[i] = Number(t);
    });
    return fromValues(out, [n]);
  });
}

function fieldFill(c: Column, r: Row): number | string {
  if (c.fill === null)
    throw new StrataError(
      `${WHERE}: ${r.file}, line ${r.line}: column "${c.name}" is required but the field is missing`,
    );
  return c.fill;
}

/**
 * A Dataset of batches from CSV files, as tf.data's `make_csv_dataset`: name-keyed column
 * tensors, or `[features, label]` with `labelName`.
 */
export async function makeCsvDataset<const O extends CsvDatasetOptions = object>(
  filePattern: string | readonly string[],
  batchSize: number,
  options?: O,
): Promise<Dataset<CsvElement<O>>> {
  const opts: CsvDatasetOptions = options ?? {};
  for (const k of Object.keys(opts))
    if (!KNOWN.includes(k))
      throw new ValueError(`${WHERE}: unknown option ${k}; expected one of ${KNOWN.join(", ")}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValueError(`${WHERE}: batchSize must be a positive integer. Received: ${batchSize}`);
  const delimiter = opts.fieldDelim ?? ",";
  const quote = opts.useQuoteDelim ?? true;
  const na = opts.naValue ?? "";
  const header = opts.header ?? true;
  const numEpochs = opts.numEpochs ?? null;
  const shuffle = opts.shuffle ?? true;
  const bufferSize = opts.shuffleBufferSize ?? 10000;
  const seed = opts.shuffleSeed ?? Math.floor(Math.random() * 2 ** 31);
  if (numEpochs !== null && !(Number.isInteger(numEpochs) && numEpochs >= 0))
    throw new ValueError(
      `${WHERE}: numEpochs must be a non-negative integer or null. Received: ${numEpochs}`,
    );
  if (!(Number.isInteger(bufferSize) && bufferSize >= 1))
    throw new ValueError(
      `${WHERE}: shuffleBufferSize must be a positive integer. Received: ${bufferSize}`,
    );

  const patterns = typeof filePattern === "string" ? [filePattern] : [...filePattern];
  const files: string[] = [];
  for (const p of patterns) files.push(...(await matchFiles(p)));
  if (files.length === 0)
    throw new ValueError(`${WHERE}: no files match ${JSON.stringify(filePattern)}`);

  let names = opts.columnNames ? [...opts.columnNames] : null;
  if (names === null) {
    if (!header)
      throw new ValueError(
        `${WHERE}: cannot infer column names without a header; give columnNames`,
      );
    names = await readHeader(files[0]!, delimiter, quote);
  }
  if (new Set(names).size !== names.length)
    throw new ValueError(`${WHERE}: column names must be unique. Received: [${names.join(", ")}]`);
  let selected = names.map((_, i) => i);
  if (opts.selectColumns) {
    selected = opts.selectColumns.map((s) => {
      const i = typeof s === "number" ? s : names!.indexOf(s);
      if (!Number.isInteger(i) || i < 0 || i >= names!.length)
        throw new ValueError(
          `${WHERE}: selectColumns entry ${JSON.stringify(s)} is not a column of [${names!.join(", ")}]`,
        );
      return i;
    });
    selected.sort((a, b) => a - b);
  }
  const label = opts.labelName ?? null;
  if (label !== null && !selected.some((i) => names![i] === label))
    throw new ValueError(
      `${WHERE}: labelName ${JSON.stringify(label)} is not among the columns [${selected.map((i) => names![i]).join(", ")}]`,
    );

  const defaults = opts.columnDefaults ?? null;
  if (defaults !== null && defaults.length !== selected.length)
    throw new ValueError(
      `${WHERE}: columnDefaults must have one entry per selected column (${selected.length}); received ${defaults.length}`,
    );
  let types: (ColumnType | null)[] = selected.map(() => null);
  if (defaults === null) {
    let seen = 0;
    const limit = opts.numRowsForInference ?? 100;
    outer: for (const f of files) {
      for await (const row of readRows(f, delimiter, quote, header)) {
        if (seen++ >= limit) break outer;
        selected.forEach((ci, k) => {
          const v = row.fields[ci];
          if (v !== undefined && v !== na) types[k] = widen(types[k]!, v);
        });
      }
    }
  } else {
    types = defaults.map((d) =>
      d === "int32" || d === "float32" || d === "string"
        ? d
        : typeof d === "number"
          ? "float32"
          : typeof d === "string"
            ? "string"
            : "float32",
    );
  }
  const columns: Column[] = selected.map((ci, k) => {
    const type = types[k] ?? "string";
    const d = defaults?.[k];
    const fill =
      defaults === null
        ? type === "string"
          ? ""
          : 0
        : d === null || d === "int32" || d === "float32" || d === "string"
          ? null
          : d!;
    return { name: names![ci]!, index: ci, type, fill };
  });

  const width = names.length;
  const ignoreErrors = opts.ignoreErrors ?? false;
  const dropRemainder = numEpochs === null;
  let passes = 0;
  async function* batches(): AsyncGenerator<unknown> {
    const rng = new RandomState((seed + 7919 * passes++) >>> 0);
    const pending: Row[] = [];
    const emit = function* (row: Row): Generator<unknown> {
      pending.push(row);
      if (pending.length === batchSize) yield build(pending.splice(0));
    };
    const build = (rows: Row[]): unknown => {
      const tensors = toColumns(rows, columns, na);
      const features: Record<string, Tensor> = {};
      let y: Tensor | null = null;
      columns.forEach((c, k) => {
        if (c.name === label) y = tensors[k]!;
        else features[c.name] = tensors[k]!;
      });
      return y === null ? features : [features, y];
    };
    const buffer: Row[] = [];
    // Shuffle, then repeat (tf.data's order): each epoch drains its own buffer.
    const drain = function* (): Generator<unknown> {
      while (buffer.length > 0) {
        const j = rng.randomInterval(buffer.length - 1);
        const out = buffer[j]!;
        buffer[j] = buffer[buffer.length - 1]!;
        buffer.pop();
        yield* emit(out);
      }
    };
    for (let epoch = 0; numEpochs === null || epoch < numEpochs; epoch++) {
      const order = [...files];
      if (shuffle) rng.shuffle(order);
      let rows = 0;
      for (const f of order) {
        for await (const row of readRows(f, delimiter, quote, header)) {
          if (row.fields.length !== width) {
            if (ignoreErrors) continue;
            throw new StrataError(
              `${WHERE}: ${f}, line ${row.line}: expected ${width} fields; received ${row.fields.length}`,
            );
          }
          if (ignoreErrors) {
            try {
              toColumns([row], columns, na);
            } catch {
              continue;
            }
          }
          rows++;
          if (!shuffle) {
            yield* emit(row);
            continue;
          }
          if (buffer.length < bufferSize) {
            buffer.push(row);
            continue;
          }
          const j = rng.randomInterval(bufferSize - 1);
          const out = buffer[j]!;
          buffer[j] = row;
          yield* emit(out);
        }
      }
      yield* drain();
      // Files without rows: repeating them forever would never yield.
      if (rows === 0) break;
    }
    if (pending.length > 0 && !dropRemainder) yield build(pending.splice(0));
  }
  const prefetch = opts.prefetchBufferSize ?? AUTOTUNE;
  return Dataset.fromGenerator<CsvElement<O>>(batches).prefetch(prefetch);
}
