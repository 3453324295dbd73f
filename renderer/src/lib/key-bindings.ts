/**
 * The person's key bindings, kept per user in localStorage (like the pane sizes): loaded at start,
 * saved on each change in the `?` overlay. A stored value that is not what this version wrote is
 * ignored, never an error: the defaults then apply.
 */
import { keyOverrides, setKeyOverrides } from './shortcuts.js';

const KEY = 'framewise.keyBindings.v1';

type Store = Pick<Storage, 'getItem' | 'setItem'>;

export function loadKeyBindings(storage: Store | null): void {
  try {
    const raw = storage?.getItem(KEY);
    const data: unknown = raw ? JSON.parse(raw) : {};
    if (!data || typeof data !== 'object' || Array.isArray(data)) return;
    const next: Record<string, string[]> = {};
    for (const [id, keys] of Object.entries(data as Record<string, unknown>))
      if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) next[id] = keys as string[];
    setKeyOverrides(next);
  } catch {
    // Unreadable storage or JSON: the defaults stay.
  }
}

/** Binds `id` to `keys` (null: back to its defaults) and saves every binding. */
export function bindKeys(storage: Store | null, id: string, keys: readonly string[] | null): void {
  const next = { ...keyOverrides() };
  if (keys) next[id] = keys;
  else delete next[id];
  setKeyOverrides(next);
  try {
    storage?.setItem(KEY, JSON.stringify(keyOverrides()));
  } catch {
    // Full or blocked storage: the binding holds for this session.
  }
}

export function resetKeyBindings(storage: Store | null): void {
  setKeyOverrides({});
  try {
    storage?.setItem(KEY, '{}');
  } catch {
    // As above.
  }
}
