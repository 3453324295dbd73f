/**
 * The preload's window.framewise against the contract (FramewiseBridge in main/bridge.ts, which
 * extends the ApiClient of src/services/contract.ts), without the Electron binary: the real
 * main/preload.ts runs against a stand-in `electron` module that records what it exposes. The
 * Electron e2e spec checks the same keys in a real window, but only where the binary is installed;
 * this one runs everywhere, so a key added to one side only fails here first.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { bridgeContractKeys } from '../../e2e/support/bridge-contract.js';
import { IPC_API, IPC_SAVE_DIALOG } from '../../main/bridge.js';

const h = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as unknown[][],
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => h.exposed.set(name, api) },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => {
      h.invoked.push(args);
      return args[0] === IPC_SAVE_DIALOG ? '/chosen/path.zip' : { ok: true, result: 'r' };
    },
    on: () => undefined,
    removeListener: () => undefined,
  },
  webUtils: { getPathForFile: () => '/dropped/file.mp4' },
}));

describe('preload bridge', () => {
  let bridge: Record<string, unknown>;

  beforeAll(async () => {
    await import('../../main/preload.js');
    bridge = h.exposed.get('framewise') as Record<string, unknown>;
  });

  it('exposes exactly one object, window.framewise', () => {
    expect([...h.exposed.keys()]).toEqual(['framewise']);
  });

  it('puts exactly the members of FramewiseBridge into the page', () => {
    const contract = bridgeContractKeys();
    // The contract really was read: ApiClient's members and the bridge's own ones are both there.
    expect(contract).toEqual(expect.arrayContaining(['call', 'onEvent', 'mediaUrl', 'platform', 'chooseSavePath']));
    expect(Object.keys(bridge).sort()).toEqual(contract);
  });

  it('routes calls and the save dialog to the channels the main process handles', async () => {
    const call = bridge['call'] as (m: string, a: unknown) => Promise<unknown>;
    const choose = bridge['chooseSavePath'] as (name: string) => Promise<string | null>;
    await expect(call('system.info', {})).resolves.toBe('r');
    await expect(choose('model.zip')).resolves.toBe('/chosen/path.zip');
    expect(h.invoked).toEqual([
      [IPC_API, 'system.info', {}],
      [IPC_SAVE_DIALOG, 'model.zip'],
    ]);
  });
});
