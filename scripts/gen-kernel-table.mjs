#!/usr/bin/env node
// Generates the C++ side of the kernel table (src/backend/kernel-table.ts):
//   native/src/kernel-table.gen.h    the op enums, the geometry structs (ConvParams …) and every
//                                    kernel's declaration, which native/src/*.cc implement;
//   native/src/kernel-binding.gen.h  each kernel's Node-API entry (its arguments unpacked into
//                                    typed C++ values, then the call) and their registration.
// Run by scripts/build-native.mjs before node-gyp; `--check` exits 1 when the committed headers
// differ from what the table gives. The headers are committed because the published package
// builds the addon without src/ or tsx (see ARCHITECTURE.md).
import console from "node:console";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const OUTPUTS = ["native/src/kernel-table.gen.h", "native/src/kernel-binding.gen.h"];

/** The table and its layout helpers (TypeScript, loaded through tsx). */
async function loadTable() {
  const { tsImport } = await import("tsx/esm/api");
  const load = (path) => tsImport(pathToFileURL(join(root, path)).href, import.meta.url);
  const table = await load("src/backend/kernel-table.ts");
  const layout = await load("src/backend/native/layout.ts");
  return { ...table, ...layout };
}

const HEADER = (what) =>
  `// ${what}, generated from src/backend/kernel-table.ts by scripts/gen-kernel-table.mjs.\n` +
  "// Do not edit: change the table, then run that script (npm install does).\n";

/** The C++ parameters of a kernel, from its arguments (a plan's offsets travel in its Plan). */
function cppParams(spec, t) {
  const offsets = new Set(spec.args.flatMap((a) => (a.kind === "plan" ? (a.offsets ?? []) : [])));
  return spec.args.flatMap((a) => {
    const n = t.snakeCase(a.name);
    switch (a.kind) {
      case "storage":
        return [a.nullable ? `const Buf* ${n}` : `const Buf& ${n}`];
      case "list":
        return [`const Buf* ${n}`, `int n_${n}`];
      case "choice":
        return [`${a.of} ${n}`];
      case "geometry":
        return [`const ${a.of}& ${n}`];
      case "plan":
        return [`Plan& ${n}`];
      case "count":
        return offsets.has(a.name) ? [] : [`int64_t ${n}`];
      case "flag":
        return [`bool ${n}`];
      case "numbers":
        return [`const double* ${n}`];
    }
    throw new Error(`kernel table: unknown argument kind ${a.kind}`);
  });
}

/** Wraps a declaration's parameters at 100 columns, as clang-format would. */
function declaration(head, params, tail = ";") {
  const one = `${head}(${params.join(", ")})${tail}`;
  if (one.length <= 100) return one;
  const indent = " ".repeat(head.length + 1);
  const lines = [];
  let line = `${head}(`;
  params.forEach((p, i) => {
    const piece = p + (i === params.length - 1 ? `)${tail}` : ",");
    if (line.length + piece.length + 1 > 100 && line.trim().length > head.length + 1) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += piece + " ";
  });
  lines.push(line.trimEnd());
  return lines.join("\n");
}

function macroName(enumName) {
  return `STRATA_${enumName.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase()}S`;
}

function tableHeader(t) {
  const out = [
    HEADER("The kernel table's types and kernel declarations"),
    "#pragma once",
    "",
    '#include "common.h"',
    "",
  ];
  out.push("namespace strata {", "");
  out.push(`// The digest of the table these headers come from (src/backend/native/layout.ts).`);
  out.push(`inline constexpr const char* kTableSignature = "${t.tableSignature()}";`, "");
  out.push("// ---------------------------------------------------------------- op enums", "");
  out.push('// Op names in the order of their numeric codes: X(Enumerator, "name").');
  for (const [name, ops] of Object.entries(t.ENUMS)) {
    // One entry per line, so adding an op adds a line.
    const items = ops.map((op) => `  X(${t.pascalCase(op)}, "${op}")`);
    out.push(
      `#define ${macroName(name)}(X) \\`,
      ...items.map((l, i) => (i < items.length - 1 ? `${l} \\` : l)),
    );
  }
  out.push("", "#define STRATA_ENUM_ENTRY(id, name) id,");
  for (const name of Object.keys(t.ENUMS)) {
    out.push(`enum class ${name} { ${macroName(name)}(STRATA_ENUM_ENTRY) };`);
    out.push(`inline constexpr int k${name}Count = ${t.ENUMS[name].length};`);
  }
  out.push("#undef STRATA_ENUM_ENTRY", "");
  out.push("// ---------------------------------------------------------------- geometry", "");
  out.push("// As in the table: counts and integers, triples per spatial axis [d, h, w].");
  for (const [name, layout] of Object.entries(t.STRUCT_LAYOUTS)) {
    out.push(`struct ${name} {`);
    for (const f of layout.fields) {
      out.push(`  int64_t ${t.snakeCase(f.name)}${f.width === 3 ? "[3]" : ""};`);
    }
    out.push("};");
  }
  out.push("", "// ---------------------------------------------------------------- kernels", "");
  out.push("// Each returns false when handed a dtype combination it has no loop for. A nullable");
  out.push("// storage is a null pointer when not given; storage of class int32 / bool has that");
  out.push("// dtype and float storage is float32 or float64 (the binding checks), and every size");
  out.push("// and range was checked in src/backend/native/ before the call.");
  for (const [name, spec] of Object.entries(t.KERNELS)) {
    out.push(declaration(`bool ${t.snakeCase(name)}`, cppParams(spec, t)));
  }
  out.push("", "}  // namespace strata", "");
  return out.join("\n");
}

const CLASS = { any: "Any", float: "Float", int32: "Int32", bool: "Bool" };

function bindingHeader(t) {
  const out = [HEADER("The kernels' Node-API entry points"), "#pragma once", ""];
  out.push('#include "binding.h"', '#include "kernels.h"', "");
  out.push("namespace strata {", "namespace binding {", "");
  out.push("// Geometry arrives packed in a Float64Array, fields in the table's order.");
  for (const [name, layout] of Object.entries(t.STRUCT_LAYOUTS)) {
    out.push(`inline constexpr int64_t k${name}Length = ${layout.length};`);
    out.push(
      `inline ${name} unpack_${t.snakeCase(name[0].toLowerCase() + name.slice(1))}(const double* m) {`,
    );
    out.push(`  ${name} p;`);
    for (const f of layout.fields) {
      const n = t.snakeCase(f.name);
      if (f.width === 1) out.push(`  p.${n} = static_cast<int64_t>(m[${f.offset}]);`);
      else {
        for (let d = 0; d < 3; d++) {
          out.push(`  p.${n}[${d}] = static_cast<int64_t>(m[${f.offset + d}]);`);
        }
      }
    }
    out.push("  return p;", "}", "");
  }
  for (const [name, spec] of Object.entries(t.KERNELS)) {
    const fn = t.snakeCase(name);
    out.push(`inline void ${fn}(const Napi::CallbackInfo& info) {`);
    out.push(`  Args r(info, "${name}");`);
    const call = [];
    const after = [];
    spec.args.forEach((a, i) => {
      const n = t.snakeCase(a.name);
      switch (a.kind) {
        case "storage":
          if (a.nullable) {
            out.push(`  Buf ${n}_given;`);
            out.push(`  const Buf* ${n} = r.optional(${i}, Class::${CLASS[a.of]}, &${n}_given);`);
          } else {
            out.push(`  const Buf ${n} = r.storage(${i}, Class::${CLASS[a.of]});`);
          }
          call.push(n);
          break;
        case "list":
          out.push(`  Buf ${n}[${a.max}];`);
          out.push(`  const int n_${n} = r.list(${i}, Class::${CLASS[a.of]}, ${n}, ${a.max});`);
          call.push(n, `n_${n}`);
          break;
        case "choice":
          out.push(`  const ${a.of} ${n} = r.choice<${a.of}>(${i}, k${a.of}Count);`);
          call.push(n);
          break;
        case "geometry": {
          const unpack = `unpack_${t.snakeCase(a.of[0].toLowerCase() + a.of.slice(1))}`;
          out.push(`  const ${a.of} ${n} = ${unpack}(r.packed(${i}, k${a.of}Length));`);
          call.push(n);
          break;
        }
        case "plan":
          out.push(`  Plan ${n};`);
          out.push(`  r.plan(${i}, ${a.operands.length}, &${n});`);
          (a.offsets ?? []).forEach((o, k) =>
            after.push(`  ${n}.offset[${k}] = ${t.snakeCase(o)};`),
          );
          call.push(n);
          break;
        case "count": {
          out.push(`  const int64_t ${n} = r.count(${i});`);
          const isOffset = spec.args.some((p) => p.kind === "plan" && p.offsets?.includes(a.name));
          if (!isOffset) call.push(n);
          break;
        }
        case "flag":
          out.push(`  const bool ${n} = r.flag(${i});`);
          call.push(n);
          break;
        case "numbers":
          out.push(`  const double* ${n} = r.numbers(${i}, ${a.min});`);
          call.push(n);
          break;
      }
    });
    out.push("  if (!r.ok()) return;", ...after);
    const callLine = declaration(`  r.done(::strata::${fn}`, call, ");");
    out.push(callLine, "}", "");
  }
  out.push("// Adds every table kernel to the addon's exports, and the table's signature.");
  out.push("inline void export_kernels(Napi::Env env, Napi::Object exports) {");
  out.push("  const auto add = [&](const char* name, Napi::Function::VoidCallback f) {");
  out.push("    exports.Set(name, Napi::Function::New(env, f, name));");
  out.push("  };");
  out.push('  exports.Set("tableSignature", Napi::String::New(env, kTableSignature));');
  for (const name of Object.keys(t.KERNELS)) out.push(`  add("${name}", ${t.snakeCase(name)});`);
  out.push("}", "", "}  // namespace binding", "}  // namespace strata", "");
  return out.join("\n");
}

/** The generated headers, by path from the repository root. */
export async function generate() {
  const t = await loadTable();
  const [table, binding] = OUTPUTS;
  return { [table]: tableHeader(t), [binding]: bindingHeader(t) };
}

/** Writes the headers that changed (so an unchanged table rebuilds nothing); returns their paths. */
export async function writeHeaders() {
  const changed = [];
  for (const [path, text] of Object.entries(await generate())) {
    const file = join(root, path);
    let old = null;
    try {
      old = readFileSync(file, "utf8");
    } catch {
      // not generated yet
    }
    if (old !== text) {
      writeFileSync(file, text);
      changed.push(path);
    }
  }
  return changed;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--check")) {
    const stale = [];
    for (const [path, text] of Object.entries(await generate())) {
      if (readFileSync(join(root, path), "utf8") !== text) stale.push(path);
    }
    if (stale.length > 0) {
      console.error(
        `stale generated headers: ${stale.join(", ")} (run node scripts/gen-kernel-table.mjs)`,
      );
      process.exit(1);
    }
  } else {
    const changed = await writeHeaders();
    console.log(changed.length ? `wrote ${changed.join(", ")}` : "generated headers up to date");
  }
}
