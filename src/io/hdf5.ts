/**
 * A read-only HDF5 reader for the files h5py writes with default settings, which is what Keras
 * saves (`model.weights.h5` inside `.keras`, `save_weights`, the legacy `.h5` model format):
 * - superblock version 0 or 1 (and 2/3, whose root is a version 2 object header);
 * - groups stored as symbol tables (version 1 B-tree + local heap), or as compact link messages;
 * - datasets with contiguous or compact storage of integers, floats or fixed-length strings.
 * Anything else (chunked or filtered storage, dense link storage in a fractal heap, variable-
 * length datasets) raises a StrataError naming the feature. Attributes (`attrs()`) are read by
 * hdf5-attribute.ts.
 *
 * Groups load their member list lazily, so opening a file reads only its superblock. Soft and
 * external links are never followed: `otherLinks()` lists them, and looking one up is an error.
 */
import { StrataError } from "../errors.js";
import { Hdf5Bytes, UNDEFINED_ADDRESS } from "./hdf5-bytes.js";
import { readSymbolTable } from "./hdf5-symbol-table.js";
import { decode, dtypeName, type Hdf5Array, type Hdf5DType } from "./hdf5-decode.js";
import { type Hdf5AttrValue, readAttributes } from "./hdf5-attribute.js";
import {
  type Hdf5LinkKind,
  type Hdf5Message,
  type Hdf5Type,
  MSG,
  readDataspace,
  readDatatype,
  readLayout,
  readLink,
  readObjectHeader,
} from "./hdf5-object.js";

/** The eight bytes an HDF5 file's superblock starts with. */
export const HDF5_SIGNATURE: readonly number[] = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export type { Hdf5Array, Hdf5DType } from "./hdf5-decode.js";
export type { Hdf5AttrValue } from "./hdf5-attribute.js";
export type { Hdf5LinkKind } from "./hdf5-object.js";

export type Hdf5Node = Hdf5Group | Hdf5Dataset;

/** The largest never-written (fill-value) dataset read: 256 MiB. */
const MAX_UNWRITTEN_BYTES = 256 * 2 ** 20;

/** Parses the file's superblock and returns its root group. */
export function readHdf5(bytes: Uint8Array, where = "hdf5"): Hdf5Group {
  const b = new Hdf5Bytes(bytes, where);
  const at = findSuperblock(b);
  const version = b.u8(at + 8, "superblock version");
  let root: number;
  if (version === 0 || version === 1) {
    b.offsetSize = b.u8(at + 13, "superblock size of offsets");
    b.lengthSize = b.u8(at + 14, "superblock size of lengths");
    checkSizes(b);
    // Version 1 adds the indexed storage K and two reserved bytes before the addresses.
    const addresses = at + 24 + (version === 1 ? 4 : 0);
    b.base = b.uint(addresses, b.offsetSize, "superblock base address");
    // Base, free-space, end-of-file and driver addresses, then the root's symbol table entry:
    // its link name offset, then the root's object header address.
    root = b.address(addresses + 5 * b.offsetSize, "root group address");
    checkEnd(b, b.address(addresses + 2 * b.offsetSize, "superblock end-of-file address"));
  } else if (version === 2 || version === 3) {
    b.offsetSize = b.u8(at + 9, "superblock size of offsets");
    b.lengthSize = b.u8(at + 10, "superblock size of lengths");
    checkSizes(b);
    b.base = b.uint(at + 12, b.offsetSize, "superblock base address");
    root = b.address(at + 12 + 3 * b.offsetSize, "root group address");
    checkEnd(b, b.address(at + 12 + 2 * b.offsetSize, "superblock end-of-file address"));
  } else {
    return b.fail(`unsupported superblock version ${version} (expected 0 to 3)`);
  }
  if (root === UNDEFINED_ADDRESS) b.fail("the superblock has no root group");
  const node = openNode(b, root, "/", new Set<string>());
  if (node instanceof Hdf5Group) return node;
  return b.fail("the root object is not a group");
}

/** The superblock is at byte 0, or at 512, 1024, 2048 … after a user block. */
function findSuperblock(b: Hdf5Bytes): number {
  for (let at = 0; at + HDF5_SIGNATURE.length <= b.length; at = at === 0 ? 512 : at * 2) {
    if (HDF5_SIGNATURE.every((v, i) => b.bytes[at + i] === v)) return at;
  }
  return b.fail(
    `not an HDF5 file: expected the signature \\x89HDF\\r\\n\\x1a\\n at byte 0 ` +
      `(or 512, 1024 …); received ${b.length} bytes without it`,
  );
}

/** A file shorter than the end-of-file address its superblock records was cut short. */
function checkEnd(b: Hdf5Bytes, end: number): void {
  if (end !== UNDEFINED_ADDRESS && end > b.length) {
    b.fail(
      `truncated? the superblock says the file ends at byte ${end}; received ${b.length} bytes`,
    );
  }
}

function checkSizes(b: Hdf5Bytes): void {
  for (const [name, v] of [
    ["offsets", b.offsetSize],
    ["lengths", b.lengthSize],
  ] as const) {
    if (![2, 4, 8].includes(v)) b.fail(`superblock: size of ${name} must be 2, 4 or 8; found ${v}`);
  }
}

/**
 * Reads the object header at `address` and makes a group or a dataset of it. `ancestors` are the
 * addresses of the groups above it: HDF5 allows a link back to one, but Keras never writes one,
 * and refusing it keeps a recursive walk over a corrupt file from running forever.
 */
function openNode(b: Hdf5Bytes, address: number, path: string, ancestors: Set<string>): Hdf5Node {
  const loop = (): never => b.fail(`${path}: links back to a group above it (a loop)`);
  if (ancestors.has(`header ${address}`)) loop();
  const messages = readObjectHeader(b, address, path);
  const has = (type: number): boolean => messages.some((m) => m.type === type);
  if (has(MSG.layout)) return new Hdf5Dataset(b, path, messages);
  if (has(MSG.symbolTable) || has(MSG.linkInfo) || has(MSG.link)) {
    // Two headers may share one member table (a corrupt file): that is a loop too.
    const table = messages.find((m) => m.type === MSG.symbolTable);
    const tree = table ? `tree ${b.address(table.at, `${path} B-tree address`)}` : "";
    if (tree && ancestors.has(tree)) loop();
    return new Hdf5Group(b, path, messages, new Set([...ancestors, `header ${address}`, tree]));
  }
  return b.fail(`${path}: object at byte ${address} is neither a group nor a dataset`);
}

const joinPath = (parent: string, name: string): string =>
  parent === "/" ? `/${name}` : `${parent}/${name}`;

export class Hdf5Group {
  readonly kind = "group";
  private links: Map<string, number> | undefined;
  private readonly unfollowed = new Map<string, Hdf5LinkKind>();
  private readonly children = new Map<string, Hdf5Node>();

  constructor(
    private readonly b: Hdf5Bytes,
    /** Absolute path inside the file, for messages. */
    readonly path: string,
    private readonly messages: Hdf5Message[],
    private readonly ancestors: Set<string>,
  ) {}

  /** The attributes of this group, by name (read on each call; Keras's are few and small). */
  attrs(): Map<string, Hdf5AttrValue> {
    return readAttributes(this.b, this.messages, this.path);
  }

  /** Member names, in the file's order (name order for symbol-table groups); hard links only. */
  keys(): string[] {
    return [...this.members().keys()];
  }

  /** The soft, external and user-defined links of this group (never followed), by name. */
  otherLinks(): Map<string, Hdf5LinkKind> {
    this.members();
    return new Map(this.unfollowed);
  }

  /** Whether a member (or a slash path below this group) exists. */
  has(path: string): boolean {
    try {
      this.get(path);
      return true;
    } catch (e) {
      if (e instanceof StrataError && /has no member/.test(e.message)) return false;
      throw e;
    }
  }

  /** The group or dataset at a slash path relative to this group ("layers/dense/vars/0"). */
  get(path: string): Hdf5Node {
    const parts = path.split("/").filter((p) => p !== "");
    if (parts.length === 0) return this;
    let node: Hdf5Node = this.child(parts[0]!);
    for (const part of parts.slice(1)) {
      if (!(node instanceof Hdf5Group)) {
        throw new StrataError(
          `${this.b.where}: ${node.path} is a dataset; cannot look up "${part}" inside it`,
        );
      }
      node = node.child(part);
    }
    return node;
  }

  /** Like `get`, but the member must be a group. */
  group(path: string): Hdf5Group {
    const node = this.get(path);
    if (!(node instanceof Hdf5Group)) {
      throw new StrataError(`${this.b.where}: expected a group at ${node.path}; found a dataset`);
    }
    return node;
  }

  /** Like `get`, but the member must be a dataset. */
  dataset(path: string): Hdf5Dataset {
    const node = this.get(path);
    if (!(node instanceof Hdf5Dataset)) {
      throw new StrataError(`${this.b.where}: expected a dataset at ${node.path}; found a group`);
    }
    return node;
  }

  private child(name: string): Hdf5Node {
    const cached = this.children.get(name);
    if (cached) return cached;
    const address = this.members().get(name);
    const kind = this.unfollowed.get(name);
    if (kind !== undefined) {
      throw new StrataError(
        `${this.b.where}: ${joinPath(this.path, name)} is ${kind === "external" ? "an" : "a"} ${kind} link, which is not followed (expected a group or a dataset)`,
      );
    }
    if (address === undefined) {
      const names = this.keys();
      throw new StrataError(
        `${this.b.where}: group ${this.path} has no member "${name}" ` +
          `(it has ${names.length ? names.map((n) => `"${n}"`).join(", ") : "none"})`,
      );
    }
    const node = openNode(this.b, address, joinPath(this.path, name), this.ancestors);
    this.children.set(name, node);
    return node;
  }

  private members(): Map<string, number> {
    this.links ??= this.readMembers();
    return this.links;
  }

  private readMembers(): Map<string, number> {
    const b = this.b;
    const what = `group ${this.path}`;
    const links = new Map<string, number>();
    const table = this.messages.find((m) => m.type === MSG.symbolTable);
    if (table) {
      const tree = b.address(table.at, `${what} B-tree address`);
      const heap = b.address(table.at + b.offsetSize, `${what} local heap address`);
      const soft = new Set<string>();
      readSymbolTable(b, tree, heap, what, links, soft);
      for (const name of soft) this.unfollowed.set(name, "soft");
      return links;
    }
    for (const m of this.messages) {
      if (m.type === MSG.linkInfo) {
        // Version, flags, [max creation index], then the fractal heap address: defined only when
        // the links are stored densely (more than 8 by default).
        const flags = b.u8(m.at + 1, what);
        const heap = b.address(m.at + 2 + (flags & 0x01 ? 8 : 0), what);
        if (heap !== UNDEFINED_ADDRESS) {
          b.fail(`${what}: dense link storage (fractal heap) is not supported`);
        }
      } else if (m.type === MSG.link) {
        const link = readLink(b, m, what);
        if (link.name === "" || link.name.includes("/")) {
          b.fail(`${what}: bad link name ${JSON.stringify(link.name)}`);
        }
        if (link.address !== null) links.set(link.name, link.address);
        else if (link.kind !== "hard") this.unfollowed.set(link.name, link.kind);
      }
    }
    return links;
  }
}

export class Hdf5Dataset {
  readonly kind = "dataset";
  readonly shape: number[];
  readonly dtype: Hdf5DType;
  private readonly type: Hdf5Type;

  constructor(
    private readonly b: Hdf5Bytes,
    readonly path: string,
    private readonly messages: Hdf5Message[],
  ) {
    const what = `dataset ${path}`;
    const space = this.message(MSG.dataspace);
    this.shape = (space && readDataspace(b, space, what)) ?? [];
    if (!space) b.fail(`${what}: no dataspace message`);
    const type = this.message(MSG.datatype);
    if (!type) b.fail(`${what}: no datatype message`);
    this.type = readDatatype(b, type, what);
    this.dtype = dtypeName(this.type);
  }

  /** The attributes of this dataset, by name (read on each call; Keras's are few and small). */
  attrs(): Map<string, Hdf5AttrValue> {
    return readAttributes(this.b, this.messages, this.path);
  }

  /** Number of elements. */
  get size(): number {
    return this.shape.reduce((a, d) => a * d, 1);
  }

  /** The elements, row-major, as a typed array of the dataset's dtype (strings: string[]). */
  read(): Hdf5Array {
    const b = this.b;
    const what = `dataset ${this.path}`;
    if (this.message(MSG.filters)) b.fail(`${what}: filtered (compressed) data is not supported`);
    const layout = readLayout(b, this.message(MSG.layout)!, what);
    const nbytes = this.size * this.type.size;
    if (layout.size < nbytes) {
      b.fail(
        `${what}: expected ${nbytes} bytes of data for ${this.shape.join("x") || "a scalar"} ${this.dtype}; the layout holds ${layout.size}`,
      );
    }
    let raw: Uint8Array;
    if (layout.kind === "compact") raw = b.slice(layout.at, nbytes, `${what} data`);
    else if (layout.address === UNDEFINED_ADDRESS) {
      // Never written: fill value 0. The file holds no bytes to bound its size by, so a size
      // beyond any weights file's is taken as corruption rather than allocated.
      if (nbytes > MAX_UNWRITTEN_BYTES) {
        b.fail(`${what}: ${nbytes} bytes of never-written data (more than ${MAX_UNWRITTEN_BYTES})`);
      }
      raw = new Uint8Array(nbytes);
    } else raw = b.slice(layout.address, nbytes, `${what} data`);
    return decode(raw, this.type, this.size);
  }

  private message(type: number): Hdf5Message | undefined {
    return this.messages.find((m) => m.type === type);
  }
}
