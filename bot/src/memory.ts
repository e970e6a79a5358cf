/**
 * A set that forgets: entries expire after `ttlMs` and the oldest go first past `limit`, so a
 * long-running bot's memory stays flat. In-process only: a restart forgets everything.
 */
export interface RecentSet {
  has(key: string): boolean;
  /** Adds the key; false when it was already there (the caller has seen it before). */
  add(key: string): boolean;
  delete(key: string): void;
}

export function createRecentSet(options: {
  limit: number;
  ttlMs: number;
  now?: () => number;
}): RecentSet {
  const now = options.now ?? Date.now;
  const entries = new Map<string, number>();

  const expire = () => {
    const cutoff = now() - options.ttlMs;
    for (const [key, at] of entries) {
      if (at > cutoff && entries.size <= options.limit) break;
      entries.delete(key);
    }
  };

  return {
    has(key) {
      expire();
      return entries.has(key);
    },
    add(key) {
      expire();
      if (entries.has(key)) return false;
      entries.set(key, now());
      expire();
      return true;
    },
    delete(key) {
      entries.delete(key);
    },
  };
}

/**
 * A map that keeps the `limit` most recently written entries; with `ttlMs`, an entry is also
 * forgotten that long after it was written.
 */
export interface RecentMap<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
}

export function createRecentMap<V>(
  limit: number,
  options: { ttlMs?: number; now?: () => number } = {},
): RecentMap<V> {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? Number.POSITIVE_INFINITY;
  const entries = new Map<string, { value: V; at: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (now() - entry.at >= ttlMs) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, { value, at: now() });
      // Written in order, so the oldest entries (expired or past the limit) are the first ones.
      const cutoff = now() - ttlMs;
      for (const [oldest, entry] of entries) {
        if (entries.size <= limit && entry.at > cutoff) break;
        entries.delete(oldest);
      }
    },
  };
}
