/**
 * A least-recently-used map bounded by the size of what it holds: the proxy's memory of tool
 * results it already compressed. Clients resend the whole history every turn, so each turn finds
 * every earlier result here and sends the very bytes it sent before, at no cost.
 */
export class SizedLru<V> {
  private readonly entries = new Map<string, { value: V; size: number }>()
  private total = 0

  constructor(private readonly maxSize: number) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    // Map keeps insertion order: re-inserting makes this the most recently used.
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry.value
  }

  set(key: string, value: V, size: number): void {
    const old = this.entries.get(key)
    if (old !== undefined) {
      this.total -= old.size
      this.entries.delete(key)
    }
    if (size > this.maxSize) return
    this.entries.set(key, { value, size })
    this.total += size
    for (const [k, entry] of this.entries) {
      if (this.total <= this.maxSize) break
      this.entries.delete(k)
      this.total -= entry.size
    }
  }

  get size(): number {
    return this.entries.size
  }

  get bytes(): number {
    return this.total
  }
}
