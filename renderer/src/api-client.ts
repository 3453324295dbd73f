/**
 * One ApiClient, two transports, chosen at run time: inside Electron the preload has put
 * window.framewise (IPC); in a browser we talk HTTP to `framewise serve` (fetch + EventSource).
 * The rest of the UI only sees the ApiClient interface from the contract.
 */
import type { ApiClient, ApiEvent, ApiMethod, ApiArgs, ApiResult } from '../../src/services/contract.js';
import type { FramewiseBridge } from '../../main/bridge.js';
import { ApiCallError, toApiCallError } from './errors.js';

export interface Client extends ApiClient {
  readonly transport: 'electron' | 'serve';
  readonly platform: string;
  /** Filesystem path of a dropped/chosen File; null where the platform cannot tell (browsers). */
  readonly pathForFile: ((file: File) => string) | null;
  /** The native save dialog (Electron); null in a browser, where the page downloads or takes a typed path. */
  readonly chooseSavePath: ((defaultName: string) => Promise<string | null>) | null;
  /**
   * Serve mode: streams a dropped/chosen file into the open project's videos/ folder and returns
   * its path there (browsers hide where files live). Null in Electron, which reads files in place.
   */
  readonly uploadFile: ((file: File, onProgress: (fraction: number) => void) => Promise<string>) | null;
  /** Event stream health: false while the connection to the core is down. */
  onConnection(listener: (connected: boolean) => void): () => void;
}

declare global {
  interface Window {
    framewise?: FramewiseBridge;
  }
}

export function createClient(): Client {
  return window.framewise ? electronClient(window.framewise) : httpClient(takeToken());
}

function electronClient(bridge: FramewiseBridge): Client {
  return {
    transport: 'electron',
    platform: bridge.platform,
    pathForFile: (file) => bridge.pathForFile(file),
    chooseSavePath: (defaultName) => bridge.chooseSavePath(defaultName),
    uploadFile: null,
    async call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResult<M>> {
      try {
        return await bridge.call(method, args);
      } catch (e) {
        throw toApiCallError(e);
      }
    },
    onEvent: (listener) => bridge.onEvent(listener),
    mediaUrl: (videoId) => bridge.mediaUrl(videoId),
    // IPC has no connection to lose.
    onConnection: () => () => undefined,
  };
}

const TOKEN_KEY = 'framewise.token';

/**
 * The token arrives once, in the URL the server printed. It is kept for this tab (sessionStorage,
 * so a reload works) and removed from the address bar so it does not end up in bookmarks or
 * screenshots. Without it, the HttpOnly cookie set on that first load still authenticates.
 */
function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // Storage disabled: the cookie still works.
    }
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function httpClient(token: string | null): Client {
  const listeners = new Set<(e: ApiEvent) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let source: EventSource | null = null;

  const setConnected = (c: boolean): void => connectionListeners.forEach((l) => l(c));
  const withToken = (path: string): string => (token ? `${path}?token=${encodeURIComponent(token)}` : path);

  // One EventSource for the page, opened with the first listener; it reconnects by itself.
  const ensureSource = (): void => {
    if (source) return;
    source = new EventSource(withToken('/events'));
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.onmessage = (m: MessageEvent<string>) => {
      let event: ApiEvent;
      try {
        event = JSON.parse(m.data) as ApiEvent;
      } catch {
        return;
      }
      listeners.forEach((l) => l(event));
    };
  };

  return {
    transport: 'serve',
    platform: 'browser',
    pathForFile: null,
    chooseSavePath: null,
    // XMLHttpRequest, not fetch: fetch reports no upload progress, and videos can be gigabytes.
    uploadFile: (file, onProgress) =>
      new Promise<string>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `/upload?name=${encodeURIComponent(file.name)}`);
        if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) onProgress(e.loaded / e.total);
        };
        xhr.onerror = () =>
          reject(new ApiCallError('NETWORK', `Uploading ${file.name} failed: the server could not be reached.`));
        xhr.onload = () => {
          let body: { ok?: boolean; result?: { path?: string }; error?: unknown } = {};
          try {
            body = JSON.parse(xhr.responseText) as typeof body;
          } catch {
            // handled below
          }
          if (body.ok && typeof body.result?.path === 'string') resolve(body.result.path);
          else reject(toApiCallError(body.error ?? `Uploading ${file.name} failed (${xhr.status}).`));
        };
        xhr.send(file);
      }),
    async call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResult<M>> {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (token) headers['Authorization'] = `Bearer ${token}`;
      let res: Response;
      try {
        res = await fetch(`/api/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(args ?? {}),
          credentials: 'same-origin',
        });
      } catch {
        throw new ApiCallError('NETWORK', 'Cannot reach the Framewise server. Is `framewise serve` still running?');
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        throw new ApiCallError(
          'INTERNAL',
          `The server answered ${res.status} ${res.statusText} without a readable body.`,
        );
      }
      const env = body as { ok?: unknown; result?: unknown; error?: unknown };
      if (env.ok === true) return env.result as ApiResult<M>;
      throw toApiCallError(env.error ?? `The server answered ${res.status} ${res.statusText}.`);
    },
    onEvent(listener) {
      listeners.add(listener);
      ensureSource();
      return () => listeners.delete(listener);
    },
    mediaUrl: (videoId) => withToken(`/media/${encodeURIComponent(videoId)}`),
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}
