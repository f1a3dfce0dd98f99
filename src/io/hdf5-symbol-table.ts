/**
 * The member list of an old-style HDF5 group (what h5py writes by default): a version 1 B-tree
 * whose leaves are symbol table nodes ("SNOD"), each entry naming a member by an offset into the
 * group's local heap ("HEAP") and pointing at the member's object header, or, for a soft link
 * (cache type 2), holding a path instead: those are collected apart, never followed.
 */
import type { Hdf5Bytes } from "./hdf5-bytes.js";

/** Walks a group's version 1 B-tree and collects its symbol table nodes' entries. */
export function readSymbolTable(
  b: Hdf5Bytes,
  tree: number,
  heap: number,
  what: string,
  out: Map<string, number>,
  softLinks: Set<string> = new Set(),
): void {
  b.signature(heap, "HEAP", `${what} local heap`);
  const heapSize = b.len(heap + 8, `${what} local heap`);
  const heapData = b.address(heap + 8 + 2 * b.lengthSize, `${what} local heap data`);
  b.check(heapData, heapSize, `${what} local heap data`);
  const seen = new Set<number>();
  const walk = (node: number, depth: number): void => {
    if (seen.has(node) || depth > 64) b.fail(`${what}: the B-tree loops`);
    seen.add(node);
    b.signature(node, "TREE", `${what} B-tree node`);
    if (b.u8(node + 4, what) !== 0) b.fail(`${what}: B-tree node at ${node} is not a group node`);
    const level = b.u8(node + 5, what);
    const used = b.u16(node + 6, what);
    // Keys (heap offsets, lengthSize bytes) and children (addresses) alternate after the header.
    const first = node + 8 + 2 * b.offsetSize;
    const stride = b.lengthSize + b.offsetSize;
    for (let i = 0; i < used; i++) {
      const child = b.address(first + i * stride + b.lengthSize, `${what} B-tree child`);
      if (level > 0) walk(child, depth + 1);
      else readSymbolNode(b, child, heapData, heapSize, what, out, softLinks);
    }
  };
  walk(tree, 0);
}

function readSymbolNode(
  b: Hdf5Bytes,
  node: number,
  heapData: number,
  heapSize: number,
  what: string,
  out: Map<string, number>,
  softLinks: Set<string>,
): void {
  b.signature(node, "SNOD", `${what} symbol table node`);
  const count = b.u16(node + 6, what);
  const entrySize = 2 * b.offsetSize + 24; // name offset, header address, cache type, scratch
  for (let i = 0; i < count; i++) {
    const entry = node + 8 + i * entrySize;
    const nameOffset = b.uint(entry, b.offsetSize, `${what} link name offset`);
    if (nameOffset >= heapSize)
      b.fail(`${what}: link name offset ${nameOffset} is outside the heap`);
    const name = b.cstring(heapData + nameOffset, heapData + heapSize, `${what} link name`);
    // An empty name (or one with a slash) cannot be looked up, and "" would alias the group.
    if (name === "" || name.includes("/")) b.fail(`${what}: bad link name ${JSON.stringify(name)}`);
    // Cache type 2: a soft link, whose scratch pad names a path rather than an object header.
    if (b.u32(entry + 2 * b.offsetSize, `${what} cache type`) === 2) softLinks.add(name);
    else out.set(name, b.address(entry + b.offsetSize, `${what} link address`));
  }
}
