import {
  ENUMS,
  type FieldKind,
  KERNELS,
  type KernelName,
  STRUCTS,
  type StructName,
} from "../kernel-table.js";

/*
 * What the JavaScript binding (binding.ts) and the C++ generator (scripts/gen-kernel-table.mjs)
 * both derive from the kernel table and must agree on: where each geometry field sits in the
 * packed Float64Array that carries a struct across, the C++ spelling of names, and a digest of
 * everything the C++ side is generated from, so an addon built from another table is refused.
 */

/** One field of a packed struct: `width` numbers from `offset`. */
export interface PackedField {
  readonly name: string;
  readonly kind: FieldKind;
  readonly offset: number;
  readonly width: 1 | 3;
}

export interface StructLayout {
  readonly fields: readonly PackedField[];
  /** how many numbers the packed struct holds */
  readonly length: number;
}

function layoutOf(name: StructName): StructLayout {
  const fields: PackedField[] = [];
  let offset = 0;
  for (const [field, kind] of Object.entries(STRUCTS[name]) as [string, FieldKind][]) {
    const width = kind === "count3" || kind === "int3" ? 3 : 1;
    fields.push({ name: field, kind, offset, width });
    offset += width;
  }
  return { fields, length: offset };
}

/** The packed layout of each geometry struct, fields in the table's order. */
export const STRUCT_LAYOUTS = Object.fromEntries(
  (Object.keys(STRUCTS) as StructName[]).map((name) => [name, layoutOf(name)]),
) as Record<StructName, StructLayout>;

/** The C++ spelling of a table name: inChannels → in_channels, scatterAdd → scatter_add. */
export const snakeCase = (name: string): string =>
  name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The C++ spelling of an op name as an enumerator: logicalNot → LogicalNot. */
export const pascalCase = (name: string): string => name[0]!.toUpperCase() + name.slice(1);

/**
 * The table as the C++ side sees it (enums, struct layouts, each kernel's argument kinds), as
 * canonical text: what the generated headers depend on, and nothing they do not (sizes and dtype
 * rules are checked in JavaScript).
 */
function abi(): string {
  const kernels = (Object.keys(KERNELS) as KernelName[]).map((name) => [
    name,
    KERNELS[name].args.map((a) => {
      switch (a.kind) {
        case "storage":
          return [a.kind, a.of, a.nullable];
        case "list":
          return [a.kind, a.of, a.max];
        case "choice":
        case "geometry":
          return [a.kind, a.of];
        case "plan":
          return [a.kind, a.operands.length, a.offsets?.length ?? 0];
        case "numbers":
          return [a.kind, a.min];
        default:
          return [a.kind];
      }
    }),
  ]);
  return JSON.stringify({ enums: ENUMS, structs: STRUCT_LAYOUTS, kernels });
}

/** A digest of abi() (FNV-1a, 32 bits): the addon exports the one it was generated with. */
export function tableSignature(): string {
  const text = abi();
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}
