/**
 * HDF5's global heap: the "GCOL" collections where variable-length data lives (h5py stores
 * every variable-length string there, e.g. Keras's `model_config` and `layer_names`
 * attributes). A reference names a collection's address and an object index inside it.
 */
import type { Hdf5Bytes } from "./hdf5-bytes.js";

/** Parsed collections, by file and address: one attribute list often points into one collection. */
const cache = new WeakMap<Hdf5Bytes, Map<number, Map<number, Uint8Array>>>();

/** The bytes of object `index` in the collection at `address`. */
export function globalHeapObject(
  b: Hdf5Bytes,
  address: number,
  index: number,
  what: string,
): Uint8Array {
  let byFile = cache.get(b);
  if (!byFile) cache.set(b, (byFile = new Map()));
  let objects = byFile.get(address);
  if (!objects) byFile.set(address, (objects = readCollection(b, address, what)));
  const found = objects.get(index);
  if (!found) {
    b.fail(
      `${what}: bad global heap reference: the collection at byte ${address} has no object ${index}` +
        ` (it has ${objects.size})`,
    );
  }
  return found;
}

function readCollection(b: Hdf5Bytes, address: number, what: string): Map<number, Uint8Array> {
  const where = `${what}: global heap collection`;
  b.signature(address, "GCOL", where);
  const version = b.u8(address + 4, where);
  if (version !== 1) b.fail(`${where} at byte ${address}: unsupported version ${version}`);
  // Signature, version, 3 reserved bytes, then the collection's size (header included).
  const size = b.len(address + 8, where);
  b.check(address, size, where);
  const end = address + size;
  // Each object: index (2), reference count (2), reserved (4), size, then data padded to 8.
  const header = 8 + b.lengthSize;
  const objects = new Map<number, Uint8Array>();
  let at = address + 8 + b.lengthSize;
  // Every step advances by at least `header` bytes and stops at `end`: no loop can run away.
  while (at + header <= end) {
    const index = b.u16(at, where);
    if (index === 0) break; // the free space that ends the collection
    const objectSize = b.len(at + 8, where);
    if (at + header + objectSize > end) {
      b.fail(`${where} at byte ${address}: object ${index} overruns the collection`);
    }
    objects.set(index, b.slice(at + header, objectSize, where));
    at += header + Math.ceil(objectSize / 8) * 8;
  }
  return objects;
}
