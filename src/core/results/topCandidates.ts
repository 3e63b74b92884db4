/** The best few of a long stream, by key, without holding the stream. */

/** Compared element by element: [1, 0] comes after [0, 99]. */
export type Key = readonly number[];

/** Orders two keys: negative when `a` is better (smaller). */
export function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length;
}

/** The `capacity` items with the smallest keys seen so far; an item whose key ties an earlier one goes after it. */
export class TopCandidates<T> {
  private readonly entries: { key: Key; item: T }[] = [];

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.length;
  }

  /** Whether an item with this key would be kept: cheap, so the caller builds only the items that are. */
  accepts(key: Key): boolean {
    return this.entries.length < this.capacity || compareKeys(key, this.entries[this.entries.length - 1].key) < 0;
  }

  insert(key: Key, item: T): void {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(this.entries[mid].key, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.entries.splice(lo, 0, { key, item });
    if (this.entries.length > this.capacity) this.entries.pop();
  }

  /** The kept items, best first, with their keys. */
  ranked(): readonly { key: Key; item: T }[] {
    return this.entries;
  }
}
