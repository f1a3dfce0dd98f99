/**
 * The index of an HDF5 symbol-table group (superblock v0 style; see hdf5-write.ts):
 * - a local heap holding the member names (offset 0 is the empty string, as libhdf5 expects:
 *   the B-tree's first key points at it);
 * - symbol-table nodes ("SNOD"), each holding up to 2·LEAF_K entries sorted by name;
 * - a version 1 B-tree ("TREE") over those nodes: a level-0 node holds up to 2·INTERNAL_K SNOD
 *   addresses, and when one node is not enough, level 1, 2 … nodes index the level below.
 *   Key i+1 of a node is the (heap offset of the) greatest name under child i; key 0 is "".
 * libhdf5 reads nodes at their full declared size, so every node is allocated at full capacity
 * and its unused slots stay zero.
 */
import { ByteSink, UNDEFINED } from "./hdf5-write-bytes.js";

/** h5py's defaults, declared in the superblock: SNODs hold 8 entries, B-tree nodes 32 children. */
export const LEAF_K = 4;
export const INTERNAL_K = 16;

const SNOD_SIZE = 8 + 2 * LEAF_K * 40;
const TREE_SIZE = 24 + (2 * INTERNAL_K + 1) * 8 + 2 * INTERNAL_K * 8;
/** libhdf5's marker for "no free block" in a local heap's free list (H5HL_FREE_NULL). */
const HEAP_FREE_NULL = 1;

export interface WrittenGroup {
  header: number;
  btree: number;
  heap: number;
}

/**
 * A symbol-table entry (40 bytes): name offset in the parent's heap, object header address, and
 * for a group the cached B-tree and heap addresses (cache type 1), as libhdf5 writes them.
 */
export function writeSymbolEntry(
  sink: ByteSink,
  at: number,
  nameOffset: number,
  header: number,
  group: { btree: number; heap: number } | null,
): void {
  sink.u64(at, nameOffset);
  sink.u64(at + 8, header);
  if (group) {
    sink.u32(at + 16, 1);
    sink.u64(at + 24, group.btree);
    sink.u64(at + 32, group.heap);
  }
}

export interface IndexedChild {
  name: string;
  header: number;
  /** For a child group, its B-tree and heap (cached in its symbol-table entry). */
  group: { btree: number; heap: number } | null;
}

/** Writes the heap, SNODs and B-tree of a group whose `children` are sorted by name. */
export function writeGroupIndex(
  sink: ByteSink,
  children: readonly IndexedChild[],
): { btree: number; heap: number } {
  const { heap, offsets } = writeHeap(
    sink,
    children.map((c) => c.name),
  );
  // Level 0 items: one per SNOD, with the heap offset of its last (greatest) name as key.
  let items: { address: number; key: number }[] = [];
  for (let i = 0; i < children.length; i += 2 * LEAF_K) {
    const chunk = children.slice(i, i + 2 * LEAF_K);
    const at = sink.alloc(SNOD_SIZE);
    sink.ascii(at, "SNOD");
    sink.u8(at + 4, 1); // version
    sink.u16(at + 6, chunk.length);
    chunk.forEach((c, j) =>
      writeSymbolEntry(sink, at + 8 + 40 * j, offsets[i + j]!, c.header, c.group),
    );
    items.push({ address: at, key: offsets[i + chunk.length - 1]! });
  }
  // Build levels until one node holds everything (an empty group gets one empty level-0 node).
  let level = 0;
  for (;;) {
    const nodes: { address: number; key: number }[] = [];
    const count = Math.max(1, Math.ceil(items.length / (2 * INTERNAL_K)));
    const addresses = Array.from({ length: count }, () => sink.alloc(TREE_SIZE));
    for (let n = 0; n < count; n++) {
      const at = addresses[n]!;
      const slice = items.slice(n * 2 * INTERNAL_K, (n + 1) * 2 * INTERNAL_K);
      sink.ascii(at, "TREE");
      sink.u8(at + 4, 0); // node type 0: group nodes
      sink.u8(at + 5, level);
      sink.u16(at + 6, slice.length);
      sink.u64(at + 8, n > 0 ? addresses[n - 1]! : UNDEFINED);
      sink.u64(at + 16, n + 1 < count ? addresses[n + 1]! : UNDEFINED);
      // Key 0 is the empty name; then each child followed by its greatest name. A node's first
      // key is the key that precedes it in its parent, so names compare correctly down the tree.
      sink.u64(at + 24, n > 0 ? items[n * 2 * INTERNAL_K - 1]!.key : 0);
      slice.forEach((item, j) => {
        sink.u64(at + 32 + 16 * j, item.address);
        sink.u64(at + 40 + 16 * j, item.key);
      });
      nodes.push({ address: at, key: slice.length > 0 ? slice[slice.length - 1]!.key : 0 });
    }
    if (nodes.length === 1) return { btree: nodes[0]!.address, heap };
    items = nodes;
    level++;
  }
}

/** A local heap with "" at offset 0 and each name NUL-terminated, 8-aligned. */
function writeHeap(sink: ByteSink, names: readonly string[]): { heap: number; offsets: number[] } {
  const encoded = names.map((n) => Buffer.from(n, "utf8"));
  const offsets: number[] = [];
  let size = 8;
  for (const e of encoded) {
    offsets.push(size);
    size += Math.ceil((e.length + 1) / 8) * 8;
  }
  const heap = sink.alloc(32);
  const data = sink.alloc(size);
  sink.ascii(heap, "HEAP");
  // +4: version 0 and three reserved bytes.
  sink.u64(heap + 8, size);
  sink.u64(heap + 16, HEAP_FREE_NULL);
  sink.u64(heap + 24, data);
  encoded.forEach((e, i) => sink.bytes(data + offsets[i]!, e));
  return { heap, offsets };
}
