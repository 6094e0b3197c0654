/**
 * A memo with a size cap: when full it forgets everything and starts again. Cheaper than LRU
 * bookkeeping, and right for caches that serve one build or a steady stream of similar text.
 */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** The cached value, without computing one. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    if (this.map.size >= this.capacity) this.map.clear();
    this.map.set(key, value);
  }

  /** The cached value for `key`, computed by `compute` on a miss. */
  get(key: K, compute: (key: K) => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) return hit;
    const value = compute(key);
    this.set(key, value);
    return value;
  }
}
