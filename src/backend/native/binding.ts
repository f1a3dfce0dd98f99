import type { AllKernels, HostArrays } from "../backend.js";
import {
  type Arg,
  ENUMS,
  KERNELS,
  type KernelName,
  type PlanArg,
  type StorageArg,
  type ListArg,
} from "../kernel-table.js";
import {
  badCount,
  badInt,
  badTriple,
  fail,
  packPlan,
  planReach,
  planSize,
  short,
  KERNEL_CHECKS,
} from "./checks.js";
import { STRUCT_LAYOUTS } from "./layout.js";

/*
 * The native kernels' JavaScript side, derived from the kernel table: for each kernel, one
 * function compiled once, when the addon loads, from its table entry. In order it
 *   1. hands dtype combinations the addon has no loop for to the TypeScript kernel (the table's
 *      dtype rules: one float dtype per call, `dtype: "x|bool"` …) and unknown op names likewise;
 *   2. checks every count and geometry field (non-negative integers, triples of three) and every
 *      strided plan's reach;
 *   3. runs the kernel's own check from KERNEL_CHECKS, if it has one;
 *   4. checks every storage's size expression, and returns when every output is empty;
 *   5. packs geometry into a reused Float64Array (field order from layout.ts, which the C++
 *      unpacking is generated from too) and calls the addon.
 * The functions are straight-line code over their own parameters: no per-call arrays, closures
 * or object walks. `kernelSource(name)` shows one.
 */

type Fn = (...args: never[]) => unknown;

/** The source of a kernel's wrapper, and the names it closes over (`$`-prefixed). */
interface Wrapper {
  source: string;
  uses: Record<string, unknown>;
}

const HELPERS = { $fail: fail, $badCount: badCount, $badInt: badInt, $badTriple: badTriple };

const isCount = (v: string): string => `!(Number.isSafeInteger(${v}) && ${v} >= 0)`;

function tableError(kernel: string, message: string): never {
  throw new Error(`kernel table: ${kernel}: ${message}`);
}

/** A size expression of the table as JavaScript over the wrapper's parameters. */
function sizeExpression(kernel: KernelName, text: string, args: ReadonlyMap<string, Arg>): string {
  const bad = (why: string): never => tableError(kernel, `size "${text}": ${why}`);
  const tokens = text.match(/[A-Za-z_]\w*(?:\.\w+)*|\d+|[-+*/()]|\s+/g) ?? [];
  if (tokens.join("") !== text) bad("unexpected characters");
  return tokens
    .map((token, i) => {
      if (!/^[A-Za-z_]/.test(token)) return token;
      if (tokens[i + 1] === "(") return token === "vol" ? "$vol" : bad(`unknown function ${token}`);
      const [head, ...rest] = token.split(".");
      const arg = args.get(head!) ?? bad(`${head} is not an argument`);
      const ok =
        (arg.kind === "count" && rest.length === 0) ||
        (arg.kind === "storage" && rest.join(".") === "length") ||
        (arg.kind === "geometry" &&
          rest.length === 1 &&
          STRUCT_LAYOUTS[arg.of].fields.some((f) => f.name === rest[0]));
      return ok ? token : bad(`${token} is not a count, a length or a geometry field`);
    })
    .join("");
}

/** Checks that the names an argument refers to are arguments of the right kinds. */
function checkEntry(kernel: KernelName, a: Arg, args: ReadonlyMap<string, Arg>): void {
  const is = (name: string | undefined, kind: Arg["kind"]): boolean =>
    name === undefined || args.get(name)?.kind === kind;
  if (!/^[A-Za-z]\w*$/.test(a.name)) tableError(kernel, `bad argument name ${a.name}`);
  if (a.kind === "storage" && a.dtype && !is(a.dtype.split("|")[0], "storage")) {
    tableError(kernel, `${a.name}: dtype "${a.dtype}" names no storage argument`);
  }
  if (
    a.kind === "plan" &&
    !(
      a.operands.every((op) => is(op, "storage")) &&
      is(a.out, "storage") &&
      (a.offsets ?? []).every((o) => is(o, "count")) &&
      (a.offsets ?? a.operands).length === a.operands.length
    )
  ) {
    tableError(kernel, `${a.name}: operands must be storages, offsets counts, one per operand`);
  }
}

/** The condition under which storage `a` has a dtype the addon's loops expect (see the table). */
function dtypeTest(a: StorageArg, floatAnchor: string): string | null {
  const n = a.name;
  let test: string | null;
  if (a.of === "float") {
    test =
      n === floatAnchor
        ? `($F === Float32Array || $F === Float64Array)`
        : `${n}.constructor === $F`;
  } else if (a.of === "int32") {
    test = `${n}.constructor === Int32Array`;
  } else if (a.of === "bool") {
    test = `${n}.constructor === Uint8Array`;
  } else {
    // The addon has no uint8 loops: uint8 storage (Uint8ClampedArray) runs the TS kernel.
    test = `${n}.constructor !== Uint8ClampedArray`;
    if (a.dtype) {
      const [like, also] = a.dtype.split("|");
      const fixed = { bool: "Uint8Array", int32: "Int32Array" }[also ?? ""];
      let same = `${n}.constructor === ${like}.constructor`;
      if (also) {
        const other = fixed ?? tableError(n, `dtype "${a.dtype}"`);
        same = `(${same} || ${n}.constructor === ${other})`;
      }
      test = `${test} && ${same}`;
    }
  }
  return test && a.nullable ? `(${n} === null || ${test})` : test;
}

/** Builds the source of a kernel's wrapper from its table entry. */
export function kernelSource(name: KernelName): Wrapper {
  const args: readonly Arg[] = KERNELS[name].args;
  const byName = new Map(args.map((a) => [a.name, a]));
  const params = args.map((a) => a.name).join(", ");
  const k = JSON.stringify(name);
  const uses: Record<string, unknown> = {};
  const body: string[] = [];
  const size = (text: string) => sizeExpression(name, text, byName);

  for (const a of args) checkEntry(name, a, byName);

  // 1. dispatch: dtype combinations and op names the addon lacks go to the TypeScript kernel
  const floatAnchor = args.find(
    (a): a is StorageArg => a.kind === "storage" && a.of === "float" && !a.nullable,
  )?.name;
  const floats = args.some((a) => (a.kind === "storage" || a.kind === "list") && a.of === "float");
  if (floats && !floatAnchor) tableError(name, "float arguments need one that is not nullable");
  if (floatAnchor) body.push(`const $F = ${floatAnchor}.constructor;`);
  const native: string[] = [];
  for (const a of args) {
    if (a.kind === "storage") {
      const test = dtypeTest(a, floatAnchor ?? "");
      if (test) native.push(test);
    } else if (a.kind === "list") {
      uses.$allOf = allOf;
      native.push(`$allOf(${a.name}, $F)`);
    } else if (a.kind === "choice") {
      uses[`$codes_${a.name}`] = new Map(ENUMS[a.of].map((op, i) => [op, i]));
      body.push(`const $code_${a.name} = $codes_${a.name}.get(${a.name});`);
      native.push(`$code_${a.name} !== undefined`);
    } else if (a.kind === "numbers") {
      native.push(`${a.name} instanceof Float64Array && ${a.name}.length >= ${a.min}`);
    }
  }
  if (native.length > 0) {
    uses.$ts = null; // filled in by bindKernels
    body.push(`if (!(${native.join(" &&\n      ")})) return $ts(${params});`);
  }

  // 2. counts, geometry fields, list lengths, plans
  for (const a of args) {
    if (a.kind === "count") {
      body.push(`if (${isCount(a.name)}) $badCount(${k}, "${a.name}", ${a.name});`);
    } else if (a.kind === "geometry") {
      for (const f of STRUCT_LAYOUTS[a.of].fields) {
        const v = `${a.name}.${f.name}`;
        const check = f.kind.startsWith("count")
          ? (x: string, label: string) => `if (${isCount(x)}) $badCount(${k}, "${label}", ${x});`
          : (x: string, label: string) =>
              `if (!Number.isSafeInteger(${x})) $badInt(${k}, "${label}", ${x});`;
        if (f.width === 1) {
          body.push(check(v, v));
        } else {
          body.push(`if (${v}.length !== 3) $badTriple(${k}, "${v}", ${v});`);
          for (let d = 0; d < 3; d++) body.push(check(`${v}[${d}]`, `${v}[${d}]`));
        }
      }
    } else if (a.kind === "list") {
      body.push(
        `if (${a.name}.length > ${a.max}) ` +
          `$fail(${k}, "${a.name} has " + ${a.name}.length + " entries, at most ${a.max}");`,
      );
    }
  }
  const plans = args.filter((a): a is PlanArg => a.kind === "plan");
  for (const p of plans) {
    Object.assign(uses, { $planSize: planSize, $planReach: planReach });
    body.push(`const $n_${p.name} = $planSize(${k}, ${p.name}, ${p.operands.length});`);
    const reach = p.operands.map(
      (op, i) => `$planReach(${k}, ${p.name}, ${i}, "${op}", ${op}, ${p.offsets?.[i] ?? 0});`,
    );
    body.push(`if ($n_${p.name} > 0) {`, ...reach.map((r) => `  ${r}`), `}`);
  }

  // 3. the kernel's own check
  if (KERNEL_CHECKS[name]) {
    uses.$check = KERNEL_CHECKS[name];
    body.push(`$check(${params});`);
  }

  // 4. sizes, and nothing to do when every output is empty
  const sized = args.filter(
    (a): a is StorageArg | ListArg => (a.kind === "storage" || a.kind === "list") && !!a.size,
  );
  for (const a of sized) {
    const n = `$n_${a.name}`;
    const exact = a.exact ? `, ${JSON.stringify(a.size)}` : "";
    const cmp = a.exact ? "!==" : "<";
    body.push(`const ${n} = ${size(a.size!)};`);
    if (a.kind === "list") {
      body.push(
        `for (let $i = 0; $i < ${a.name}.length; $i++) {`,
        `  const $s = ${a.name}[$i];`,
        `  if ($s.length ${cmp} ${n}) $short(${k}, "${a.name}[" + $i + "]", $s.length, ${n}${exact});`,
        `}`,
      );
    } else {
      const given = a.nullable ? `${a.name} !== null && ` : "";
      body.push(
        `if (${given}${a.name}.length ${cmp} ${n}) ` +
          `$short(${k}, "${a.name}", ${a.name}.length, ${n}${exact});`,
      );
    }
  }
  for (const p of plans) {
    if (p.out) {
      body.push(
        `if (${p.out}.length < $n_${p.name}) ` +
          `$short(${k}, "${p.out}", ${p.out}.length, $n_${p.name});`,
      );
    }
  }
  uses.$short = short;
  const outputs = args.filter(
    (a): a is StorageArg | ListArg =>
      (a.kind === "storage" || a.kind === "list") && a.role !== "in",
  );
  if (plans.length > 0) {
    body.push(`if (${plans.map((p) => `$n_${p.name} === 0`).join(" || ")}) return;`);
  } else if (outputs.length > 0 && outputs.every((a) => a.size)) {
    const empty = outputs.map((a) =>
      a.kind === "list"
        ? `(${a.name}.length === 0 || $n_${a.name} === 0)`
        : a.nullable
          ? `(${a.name} === null || $n_${a.name} === 0)`
          : `$n_${a.name} === 0`,
    );
    body.push(`if (${empty.join(" && ")}) return;`);
  }

  // 5. pack and call
  const call = args.map((a) => {
    if (a.kind === "choice") return `$code_${a.name}`;
    if (a.kind === "plan") {
      uses.$packPlan = packPlan;
      return `$packPlan(${a.name}, ${a.operands.length})`;
    }
    if (a.kind !== "geometry") return a.name;
    const buffer = `$packed_${a.of}`;
    uses[buffer] = null; // one buffer per struct, shared (kernels are synchronous)
    for (const f of STRUCT_LAYOUTS[a.of].fields) {
      const v = `${a.name}.${f.name}`;
      if (f.width === 1) body.push(`${buffer}[${f.offset}] = ${v};`);
      else for (let d = 0; d < 3; d++) body.push(`${buffer}[${f.offset + d}] = ${v}[${d}];`);
    }
    return buffer;
  });
  uses.$native = null; // filled in by bindKernels
  body.push(`$native(${call.join(", ")});`);

  if (sized.some((a) => /vol\(/.test(a.size!))) uses.$vol = vol;
  for (const [helper, f] of Object.entries(HELPERS)) {
    if (body.some((line) => line.includes(helper))) uses[helper] = f;
  }
  const source =
    `return function ${name}(${params}) {\n` + body.map((l) => `  ${l}\n`).join("") + "};";
  return { source, uses };
}

const vol = (t: readonly number[]): number => t[0]! * t[1]! * t[2]!;

/** Whether every array in `list` has the constructor `F`. */
function allOf(list: readonly { constructor: unknown }[], F: unknown): boolean {
  for (let i = 0; i < list.length; i++) if (list[i]!.constructor !== F) return false;
  return true;
}

/**
 * The native kernels: each table kernel's wrapper around the addon's function of that name, with
 * the TypeScript kernel `ts` taking the calls the addon has no loops for.
 */
export function bindKernels(
  addon: Readonly<Record<KernelName, Fn>>,
  ts: AllKernels<HostArrays>,
): AllKernels<HostArrays> {
  const packed = Object.fromEntries(
    Object.entries(STRUCT_LAYOUTS).map(([s, layout]) => [
      `$packed_${s}`,
      new Float64Array(layout.length),
    ]),
  );
  const kernels: Partial<Record<KernelName, unknown>> = {};
  for (const name of Object.keys(KERNELS) as KernelName[]) {
    const { source, uses } = kernelSource(name);
    const values: Record<string, unknown> = { ...uses };
    for (const key of Object.keys(values)) {
      if (key === "$native") values[key] = addon[name];
      else if (key === "$ts") values[key] = ts[name];
      else if (key in packed) values[key] = packed[key];
    }
    kernels[name] = new Function(...Object.keys(values), source)(...Object.values(values));
  }
  return kernels as AllKernels<HostArrays>;
}
