// A small seeded PRNG (mulberry32) for the file fuzzer: every case is drawn from
// (seed, reader, case index), so any failure replays from its index alone.

/** A deterministic stream of numbers in [0, 1), integers and picks. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The stream of case `index` of `reader` under `seed`: independent of the cases before it. */
  static forCase(seed: number, reader: string, index: number): Prng {
    let h = 2166136261 ^ seed;
    for (const c of `${reader}#${index}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
    return new Prng(h);
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}
