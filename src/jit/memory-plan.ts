/*
 * The memory plan of a compiled step: its intermediates laid out in one block, by offset, so that
 * two that are alive at the same time never share bytes and every other byte is reused. The
 * block is the step's peak of live intermediates plus what the packing wastes, allocated once.
 * Greedy by size (largest first, each at the lowest offset that fits): simple, and close to the
 * peak for the chains and skips of layer graphs.
 */

/** A buffer alive from step `start` to step `end` (inclusive). */
export interface Lifetime {
  readonly start: number;
  readonly end: number;
  readonly bytes: number;
}

const ALIGN = 64;

/** Byte offsets, one per lifetime, and the block's size. */
export function planOffsets(lifetimes: readonly Lifetime[]): { offsets: number[]; bytes: number } {
  const order = lifetimes
    .map((_, i) => i)
    .sort((a, b) => lifetimes[b]!.bytes - lifetimes[a]!.bytes);
  const offsets = new Array<number>(lifetimes.length).fill(0);
  const placed: number[] = [];
  let total = 0;
  for (const i of order) {
    const me = lifetimes[i]!;
    const size = Math.ceil(me.bytes / ALIGN) * ALIGN;
    // Those placed that are alive at the same time, by offset.
    const clashes = placed
      .filter((j) => lifetimes[j]!.start <= me.end && me.start <= lifetimes[j]!.end)
      .sort((a, b) => offsets[a]! - offsets[b]!);
    let at = 0;
    for (const j of clashes) {
      if (at + size <= offsets[j]!) break;
      at = Math.max(at, offsets[j]! + Math.ceil(lifetimes[j]!.bytes / ALIGN) * ALIGN);
    }
    offsets[i] = at;
    placed.push(i);
    total = Math.max(total, at + size);
  }
  return { offsets, bytes: total };
}
