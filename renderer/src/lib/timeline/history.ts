/**
 * Undo/redo over whole states (e.g. the project's segments). States are treated as immutable
 * values: the history keeps references, never copies.
 *
 * A continuous gesture becomes one undo step in either of two ways:
 * - `push(state, { coalesceKey })`: consecutive pushes with the same key replace the newest entry
 *   (typing into one caption, nudging one segment); any other push, an undo or `seal()` ends the run.
 * - `begin()` … `push()`… `commit(label)`: pushes in between only update `present`; `commit`
 *   records one entry from the state at `begin()` to the last one (nothing when unchanged), and
 *   `cancel()` goes back to the state at `begin()`.
 */

export interface HistoryOptions<T> {
  /** How many undo steps are kept; the oldest are dropped beyond it. Default 100. */
  capacity?: number;
  /** When a pushed state counts as unchanged (no entry). Default `Object.is`. */
  equals?: (a: T, b: T) => boolean;
}

export interface PushOptions {
  /** What the change was ("Move segment"), for "Undo Move segment". */
  label?: string;
  /** Consecutive pushes with the same key coalesce into one undo step. */
  coalesceKey?: string;
}

interface Entry<T> {
  state: T;
  /** The action that produced this state. */
  label: string;
}

/** A history as plain data (to keep it across a reload); `History.restore` reads it back. */
export interface HistoryDump<T> {
  past: Entry<T>[];
  current: Entry<T>;
  future: Entry<T>[];
}

export const DEFAULT_HISTORY_CAPACITY = 100;

export class History<T> {
  private past: Entry<T>[] = [];
  private current: Entry<T>;
  private future: Entry<T>[] = [];
  private lastKey: string | null = null;
  private txStart: Entry<T> | null = null;
  private readonly capacity: number;
  private readonly equals: (a: T, b: T) => boolean;

  constructor(initial: T, options: HistoryOptions<T> = {}) {
    const capacity = options.capacity ?? DEFAULT_HISTORY_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('History capacity must be an integer ≥ 1');
    this.capacity = capacity;
    this.equals = options.equals ?? Object.is;
    this.current = { state: initial, label: '' };
  }

  /**
   * Rebuilds a dumped history (beyond `capacity`, the oldest steps are dropped). Throws a TypeError
   * on data that is not a dump, so a corrupt stored copy is never half-used.
   */
  static restore<T>(dump: HistoryDump<T>, options: HistoryOptions<T> = {}): History<T> {
    const isEntry = (e: unknown): e is Entry<T> =>
      typeof e === 'object' && e !== null && 'state' in e && typeof (e as Entry<T>).label === 'string';
    if (!isEntry(dump?.current) || !Array.isArray(dump.past) || !Array.isArray(dump.future))
      throw new TypeError('Not a history dump');
    if (!dump.past.every(isEntry) || !dump.future.every(isEntry)) throw new TypeError('Not a history dump');
    const h = new History<T>(dump.current.state, options);
    h.current = dump.current;
    h.past = dump.past.slice(-h.capacity);
    h.future = dump.future.slice();
    return h;
  }

  /** The committed steps as plain data (an open transaction counts as not made). */
  dump(): HistoryDump<T> {
    return { past: this.past.slice(), current: this.txStart ?? this.current, future: this.future.slice() };
  }

  get present(): T {
    return this.current.state;
  }

  /** Number of undo steps available. */
  get undoSize(): number {
    return this.past.length;
  }

  get redoSize(): number {
    return this.future.length;
  }

  /** True between begin() and commit()/cancel(). */
  get inTransaction(): boolean {
    return this.txStart !== null;
  }

  canUndo(): boolean {
    return this.txStart === null && this.past.length > 0;
  }

  canRedo(): boolean {
    return this.txStart === null && this.future.length > 0;
  }

  /** The label of the step undo() would revert, or null. */
  undoLabel(): string | null {
    return this.canUndo() ? this.current.label : null;
  }

  redoLabel(): string | null {
    return this.canRedo() ? (this.future.at(-1)?.label ?? null) : null;
  }

  /**
   * Records `state` as the new present; clears the redo stack. Returns false (and records nothing)
   * when the state equals the present.
   */
  push(state: T, options: PushOptions = {}): boolean {
    if (this.equals(state, this.current.state)) return false;
    const label = options.label ?? '';
    if (this.txStart) {
      this.current = { state, label };
      return true;
    }
    const key = options.coalesceKey ?? null;
    if (key !== null && key === this.lastKey && this.past.length > 0) {
      // Same gesture: replace the newest step, keeping what it started from.
      this.current = { state, label };
    } else {
      this.record(this.current);
      this.current = { state, label };
    }
    this.future = [];
    this.lastKey = key;
    return true;
  }

  /** Ends a coalescing run: the next push gets its own step even with the same key. */
  seal(): void {
    this.lastKey = null;
  }

  /** Starts a transaction; see the module comment. A begin() inside one is ignored. */
  begin(): void {
    if (this.txStart) return;
    this.txStart = this.current;
    this.lastKey = null;
  }

  /** Ends the transaction as one undo step; returns whether one was recorded. */
  commit(label?: string): boolean {
    const start = this.txStart;
    if (!start) return false;
    this.txStart = null;
    if (this.equals(start.state, this.current.state)) {
      this.current = start;
      return false;
    }
    this.record(start);
    this.current = { state: this.current.state, label: label ?? this.current.label };
    this.future = [];
    return true;
  }

  /** Drops the transaction's changes; returns the restored present. */
  cancel(): T {
    if (this.txStart) {
      this.current = this.txStart;
      this.txStart = null;
    }
    return this.current.state;
  }

  /** Steps back; returns the new present, or undefined when there is nothing to undo. */
  undo(): T | undefined {
    if (!this.canUndo()) return undefined;
    const prev = this.past.pop() as Entry<T>;
    this.future.push(this.current);
    this.current = prev;
    this.lastKey = null;
    return prev.state;
  }

  redo(): T | undefined {
    if (!this.canRedo()) return undefined;
    const next = this.future.pop() as Entry<T>;
    this.record(this.current);
    this.current = next;
    this.lastKey = null;
    return next.state;
  }

  /** Forgets all steps; `state` becomes the present (e.g. another project was opened). */
  reset(state: T): void {
    this.past = [];
    this.future = [];
    this.current = { state, label: '' };
    this.lastKey = null;
    this.txStart = null;
  }

  private record(entry: Entry<T>): void {
    this.past.push(entry);
    if (this.past.length > this.capacity) this.past.splice(0, this.past.length - this.capacity);
  }
}
