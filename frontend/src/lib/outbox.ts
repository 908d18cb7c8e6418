/** A message written but not yet acknowledged by the server. */
export interface OutboxEntry {
  client_id: string;
  room_id: number;
  body: string;
  created_at: string;
  /** The thread's first message, for a reply. */
  reply_to?: number;
  /** Set when the server refused it for good (the UI offers discard). */
  failed?: string;
}

/** Where unsent messages wait; it must outlive a reload. */
export interface Outbox {
  list(): OutboxEntry[];
  put(entry: OutboxEntry): void;
  remove(clientId: string): void;
  clear(): void;
  subscribe(listener: () => void): () => void;
}

const keyPrefix = 'parley:outbox:';

/** The storage key of one user's outbox. */
export function outboxKey(userId: number): string {
  return `${keyPrefix}${userId}`;
}

/**
 * An outbox kept in localStorage under the user's id, so a reload or an
 * offline spell keeps the messages and another user never sees them.
 */
export class StorageOutbox implements Outbox {
  private readonly key: string;
  private readonly storage: Storage;
  private readonly listeners = new Set<() => void>();
  private cache: OutboxEntry[] | undefined;
  private readonly onStorage = (e: StorageEvent) => {
    if (e.key !== this.key) return;
    this.cache = undefined;
    this.emit();
  };

  constructor(userId: number, storage: Storage = localStorage) {
    this.key = outboxKey(userId);
    this.storage = storage;
  }

  list(): OutboxEntry[] {
    if (this.cache) return this.cache;
    let entries: OutboxEntry[] = [];
    try {
      const raw = this.storage.getItem(this.key);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      if (Array.isArray(parsed)) entries = parsed.filter(isEntry);
    } catch {
      entries = [];
    }
    this.cache = entries;
    return entries;
  }

  put(entry: OutboxEntry): void {
    const rest = this.list().filter((e) => e.client_id !== entry.client_id);
    this.write([...rest, entry]);
  }

  remove(clientId: string): void {
    const entries = this.list();
    const rest = entries.filter((e) => e.client_id !== clientId);
    if (rest.length !== entries.length) this.write(rest);
  }

  clear(): void {
    this.storage.removeItem(this.key);
    this.cache = [];
    this.emit();
  }

  subscribe(listener: () => void): () => void {
    // Other tabs of the same user share the outbox through storage events.
    if (this.listeners.size === 0 && typeof window !== 'undefined') {
      window.addEventListener('storage', this.onStorage);
    }
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && typeof window !== 'undefined') {
        window.removeEventListener('storage', this.onStorage);
      }
    };
  }

  private write(entries: OutboxEntry[]): void {
    this.cache = entries;
    try {
      if (entries.length === 0) this.storage.removeItem(this.key);
      else this.storage.setItem(this.key, JSON.stringify(entries));
    } catch {
      // A full or blocked storage still leaves the in-memory copy working.
    }
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Deletes one user's outbox from storage (used when signing out). */
export function clearOutbox(userId: number, storage: Storage = localStorage): void {
  storage.removeItem(outboxKey(userId));
}

function isEntry(v: unknown): v is OutboxEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.client_id === 'string' &&
    typeof e.room_id === 'number' &&
    typeof e.body === 'string' &&
    typeof e.created_at === 'string' &&
    (e.reply_to === undefined || typeof e.reply_to === 'number')
  );
}
