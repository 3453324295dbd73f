/**
 * Runs the real main-process code (main/*.ts) against a stand-in for the `electron` module: the
 * Electron binary is not installed everywhere the tests run, but the window options, protocol
 * handlers, IPC handler and navigation guards are plain functions we can call.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Api, ApiEvent } from '../../src/services/contract.js';

type Handler = (...args: unknown[]) => unknown;

const h = vi.hoisted(() => ({
  protocols: new Map<string, (req: Request) => Promise<Response>>(),
  privileged: [] as { scheme: string; privileges: Record<string, boolean> }[],
  ipc: new Map<string, (...args: unknown[]) => unknown>(),
  appEvents: new Map<string, ((...args: unknown[]) => unknown)[]>(),
  windows: [] as { opts: { webPreferences: Record<string, unknown> }; sent: unknown[][]; url?: string }[],
  ready: null as null | (() => void),
  isReady: false,
  saveDialogs: [] as unknown[],
  emit: null as null | ((e: unknown) => void),
  videoPath: '',
  permissionHandler: null as null | ((...args: unknown[]) => void),
}));

vi.mock('electron', () => {
  class BrowserWindow {
    opts: unknown;
    sent: unknown[][] = [];
    url?: string;
    webContents = { send: (...a: unknown[]) => this.sent.push(a) };
    constructor(opts: unknown) {
      this.opts = opts;
      h.windows.push(this as never);
    }
    once(): void {}
    on(): void {}
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    focus(): void {}
    isDestroyed(): boolean {
      return false;
    }
    async loadURL(url: string): Promise<void> {
      this.url = url;
    }
    static getAllWindows(): unknown[] {
      return h.windows;
    }
    static getFocusedWindow(): null {
      return null;
    }
    static fromWebContents(): null {
      return null;
    }
  }
  const ready = new Promise<void>((resolve) => (h.ready = resolve)).then(() => void (h.isReady = true));
  return {
    app: {
      on: (ev: string, fn: Handler) => h.appEvents.set(ev, [...(h.appEvents.get(ev) ?? []), fn]),
      whenReady: () => ready,
      requestSingleInstanceLock: () => true,
      quit: () => undefined,
      isReady: () => h.isReady,
      isPackaged: false,
      getPath: (name: string) => join(tmpdir(), `fw-electron-${name}`),
      addRecentDocument: () => undefined,
    },
    protocol: {
      registerSchemesAsPrivileged: (s: typeof h.privileged) => h.privileged.push(...s),
      handle: (scheme: string, fn: (req: Request) => Promise<Response>) => h.protocols.set(scheme, fn),
    },
    ipcMain: { handle: (ch: string, fn: Handler) => h.ipc.set(ch, fn) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: Handler) => (h.permissionHandler = fn),
        setPermissionCheckHandler: () => undefined,
        webRequest: { onHeadersReceived: () => undefined },
      },
    },
    Menu: { buildFromTemplate: (t: unknown) => ({ t }), setApplicationMenu: () => undefined },
    dialog: {
      showErrorBox: () => undefined,
      showSaveDialog: async (...args: unknown[]) => {
        h.saveDialogs.push(args.at(-1));
        return { canceled: false, filePath: '/home/me/clip.srt' };
      },
    },
    shell: { openExternal: async () => undefined },
    BrowserWindow,
  };
});

vi.mock('../../src/services/core-services.js', () => ({
  createCoreServices: (opts: { emit: (e: unknown) => void }) => {
    h.emit = opts.emit;
    const api = {
      'system.info': async () => ({ transport: 'electron' }),
      'project.recent': async () => [],
      'jobs.cancel': async () => {
        throw Object.assign(new Error('No job job_x.'), { code: 'NOT_FOUND' });
      },
    } as unknown as Api;
    return { api, resolveMedia: (id: string) => (id === 'vid_1' ? h.videoPath : null), dispose: async () => undefined };
  },
}));

const APP = 'framewise://app/index.html';
let dir: string;
const bytes = Buffer.from(Array.from({ length: 500 }, (_, i) => i % 256));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-electron-'));
  h.videoPath = join(dir, 'v.webm');
  await writeFile(h.videoPath, bytes);
  await import('../../main/index.js');
  h.ready!();
  await vi.waitFor(() => expect(h.windows.length).toBe(1));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Electron main (with a stand-in electron module)', () => {
  it('opens one isolated, sandboxed window on the app protocol', () => {
    const prefs = h.windows[0]!.opts.webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(prefs['webSecurity']).not.toBe(false);
    expect(String(prefs['preload'])).toMatch(/preload[/\\]index\.cjs$/);
    expect(h.windows[0]!.url).toBe(APP);
  });

  it('registers the media scheme as privileged with streaming', () => {
    const media = h.privileged.find((s) => s.scheme === 'framewise-media');
    expect(media?.privileges).toMatchObject({ standard: true, secure: true, stream: true, supportFetchAPI: true });
  });

  it('answers IPC calls from the app page only, for contract methods only', async () => {
    const api = h.ipc.get('api')!;
    expect(await api({ senderFrame: { url: APP } }, 'system.info', {})).toEqual({
      ok: true,
      result: { transport: 'electron' },
    });
    expect(await api({ senderFrame: { url: 'https://evil.example/' } }, 'system.info', {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await api({ senderFrame: null }, 'system.info', {})).toMatchObject({ ok: false });
    expect(await api({ senderFrame: { url: APP } }, 'process.exit', {})).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await api({ senderFrame: { url: APP } }, 42, {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await api({ senderFrame: { url: APP } }, 'jobs.cancel', { jobId: 7 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_ARGUMENT' },
    });
  });

  it('opens the save dialog for export only for the app page, with a filter for the file type', async () => {
    const save = h.ipc.get('dialog-save')!;
    const sender = { id: 1 };
    expect(await save({ senderFrame: { url: 'https://evil.example/' }, sender }, 'x.srt')).toBeNull();
    expect(h.saveDialogs).toHaveLength(0);
    expect(await save({ senderFrame: { url: APP }, sender }, '../../etc/clip.srt')).toBe('/home/me/clip.srt');
    expect(h.saveDialogs[0]).toEqual({
      defaultPath: '.._.._etc_clip.srt',
      filters: [{ name: 'SubRip subtitles', extensions: ['srt'] }],
    });
  });

  it('forwards core events to the window', () => {
    const e: ApiEvent = { type: 'backend', featureBackend: 'x', featureFallback: null };
    h.emit!(e);
    expect(h.windows[0]!.sent).toContainEqual(['api-event', e]);
  });

  it('streams project videos with Range support on framewise-media://', async () => {
    const media = h.protocols.get('framewise-media')!;
    const full = await media(new Request('framewise-media://video/vid_1'));
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('video/webm');
    expect(Buffer.from(await full.arrayBuffer()).equals(bytes)).toBe(true);

    const part = await media(new Request('framewise-media://video/vid_1', { headers: { Range: 'bytes=100-199' } }));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/500');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);

    const bad = await media(new Request('framewise-media://video/vid_1', { headers: { Range: 'bytes=600-' } }));
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe('bytes */500');
  });

  it('serves nothing but project videos on framewise-media://', async () => {
    const media = h.protocols.get('framewise-media')!;
    for (const url of [
      'framewise-media://video/vid_2',
      'framewise-media://other/vid_1',
      `framewise-media://video/${encodeURIComponent(h.videoPath)}`,
      'framewise-media://video/..%2F..%2Fetc%2Fpasswd',
    ]) {
      expect((await media(new Request(url))).status, url).toBe(404);
    }
  });

  it('serves the renderer with the CSP (media scheme allowed) on framewise://app', async () => {
    const appProto = h.protocols.get('framewise')!;
    const page = await appProto(new Request(APP));
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("media-src 'self' blob: framewise-media:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect((await appProto(new Request('framewise://app/%2e%2e/package.json'))).status).toBe(404);
    expect((await appProto(new Request('framewise://other/index.html'))).status).toBe(404);
  });

  it('guards every WebContents: no foreign navigation, no new windows, no webviews', () => {
    const listeners = new Map<string, Handler>();
    let openHandler: Handler | null = null;
    const contents = {
      on: (ev: string, fn: Handler) => listeners.set(ev, fn),
      setWindowOpenHandler: (fn: Handler) => (openHandler = fn),
    };
    for (const fn of h.appEvents.get('web-contents-created') ?? []) fn({}, contents);

    const navigate = (url: string): boolean => {
      let prevented = false;
      listeners.get('will-navigate')!({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate('framewise://app/index.html')).toBe(false);
    expect(openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'framewise://app/index.html' })).toEqual({ action: 'deny' });
    let webviewPrevented = false;
    listeners.get('will-attach-webview')!({ preventDefault: () => (webviewPrevented = true) });
    expect(webviewPrevented).toBe(true);
  });

  it('refuses every permission request', () => {
    let granted: boolean | null = null;
    h.permissionHandler!({}, 'media', (ok: boolean) => (granted = ok));
    expect(granted).toBe(false);
  });
});
