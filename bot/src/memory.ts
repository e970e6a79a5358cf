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

/** A map that keeps the `limit` most recently written entries. */
export interface RecentMap<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
}

export function createRecentMap<V>(limit: number): RecentMap<V> {
  const entries = new Map<string, V>();
  return {
    get: (key) => entries.get(key),
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > limit) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
  };
}
