/**
 * Electron main process. Thin on purpose: it hosts the core services (src/services) and connects
 * them to one locked-down window; there is no business logic here. Security follows the Electron
 * checklist: context isolation + sandbox, no Node in the page, CSP, no navigation, no new windows,
 * no permissions, custom protocols instead of file://.
 */
import { join } from 'node:path';
import { BrowserWindow, Menu, app, dialog, session, shell, type WebContents } from 'electron';
import { createCoreServices, type CoreServices } from '../src/services/core-services.js';
import type { ApiEvent } from '../src/services/contract.js';
import { toFramewiseError } from '../src/errors.js';
import { buildCsp } from '../src/transport/csp.js';
import { pathFromArgv, resolveProjectFolder } from '../src/store/project-link.js';
import { desktopAppSearchPath } from '../src/util/packaged-paths.js';
import { APP_ORIGIN, IPC_EVENT, MEDIA_SCHEME } from './bridge.js';
import { registerApiHandler } from './ipc.js';
import { registerDialogHandlers } from './dialogs.js';
import { buildMenu } from './menu.js';
import { handleAppProtocol, handleMediaProtocol, registerSchemes } from './protocols.js';

/** Set by `electron-vite dev`: the renderer comes from Vite's dev server (with hot reload). */
const DEV_URL = process.env['ELECTRON_RENDERER_URL'];
const RENDERER_DIR = join(import.meta.dirname, '../renderer');
const PRELOAD = join(import.meta.dirname, '../preload/index.cjs');
const START_URL = DEV_URL ?? `${APP_ORIGIN}/index.html`;

/** The shared policy, plus the media scheme (and Vite's HMR socket in dev). */
const ELECTRON_CSP = buildCsp({
  mediaSources: [`${MEDIA_SCHEME}:`],
  connectSources: DEV_URL ? [new URL(DEV_URL).origin.replace(/^http/, 'ws')] : [],
});

const START = new URL(START_URL);

/**
 * Scheme and host compared directly: Node's URL reports the origin of a custom scheme (and of
 * file:) as "null", so comparing `.origin` would let file:///anything pass as our own page.
 */
function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === START.protocol && u.host === START.host;
  } catch {
    return false;
  }
}

registerSchemes();
if (!app.requestSingleInstanceLock()) app.quit();

// Started from Finder or the Dock, macOS gives the app launchd's PATH: add Homebrew's and MacPorts'
// folders so an ffmpeg/ffprobe installed there is found, as it is from a terminal.
if (app.isPackaged) {
  const searchPath = desktopAppSearchPath(process.env['PATH'], process.platform);
  if (searchPath !== undefined) process.env['PATH'] = searchPath;
}

let services: CoreServices | null = null;
let mainWindow: BrowserWindow | null = null;

/** argv before the path the OS passes: the executable, plus the app folder under `electron .`. */
const ARGV_SKIP = process.defaultApp ? 2 : 1;
/** A project the OS asked us to open before the core services were up. */
let pendingOpen: { path: string; cwd: string } | undefined;

/**
 * Opens a project folder, project.json or .framewise file the OS handed over (file association,
 * command line, Dock). The core emits a `project` event, so the page follows without main telling it.
 */
function openFromOs(path: string, cwd: string = process.cwd()): void {
  if (!services) {
    pendingOpen = { path, cwd };
    return;
  }
  const api = services.api;
  // macOS keeps running with every window closed: the project needs one to show in.
  showMainWindow();
  void resolveProjectFolder(path, { cwd })
    .then((dir) => api['project.open']({ dir }))
    .catch((e: unknown) => dialog.showErrorBox('Framewise', toFramewiseError(e).message));
}

const argvPath = pathFromArgv(process.argv, ARGV_SKIP);
if (argvPath !== undefined) openFromOs(argvPath);

// macOS: double-clicked .framewise files and folders dropped on the Dock icon, also at launch
// (before 'ready', hence registered here). preventDefault tells macOS the app handled it.
app.on('open-file', (event, path) => {
  event.preventDefault();
  openFromOs(path);
});

let onProjectOpened: (root: string) => void = () => undefined;

function send(e: ApiEvent): void {
  if (e.type === 'project') onProjectOpened(e.snapshot.root);
  for (const w of BrowserWindow.getAllWindows()) {
    if (!w.isDestroyed()) w.webContents.send(IPC_EVENT, e);
  }
}

/** Applies to every WebContents the app ever creates, so no window can slip past it. */
function harden(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser, never inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    title: 'Framewise',
    show: false,
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(START_URL);
  return win;
}

/** Brings the main window to the front, creating it if there is none (only once the app is ready). */
function showMainWindow(): void {
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
    return;
  }
  if (!app.isReady()) return;
  const win = createWindow();
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  mainWindow = win;
}

app.on('web-contents-created', (_e, contents) => harden(contents));

// Windows and Linux start a second process for a double-clicked file; it quits at once (single
// instance lock) and its argv arrives here.
app.on('second-instance', (_e, argv, workingDirectory) => {
  showMainWindow();
  const path = pathFromArgv(argv, ARGV_SKIP);
  if (path !== undefined) openFromOs(path, workingDirectory);
});

void app.whenReady().then(() => {
  const ses = session.defaultSession;
  // The page gets no camera, microphone, notifications, geolocation...: it needs none of them.
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // CSP on every response the session sees (the dev server's pages included); the app protocol
  // also sets it itself, so production does not depend on this hook.
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    if (details.resourceType === 'mainFrame' || details.resourceType === 'subFrame') {
      headers['Content-Security-Policy'] = [ELECTRON_CSP];
    }
    callback({ responseHeaders: headers });
  });

  services = createCoreServices({ transport: 'electron', emit: send, stateDir: app.getPath('userData') });
  handleAppProtocol(RENDERER_DIR, ELECTRON_CSP);
  handleMediaProtocol((id) => services?.resolveMedia(id) ?? null);
  registerApiHandler(services.api, isAppUrl);
  registerDialogHandlers(isAppUrl);
  const api = services.api;
  const refreshMenu = async (): Promise<void> => {
    const recent = await api['project.recent']({}).catch(() => []);
    Menu.setApplicationMenu(buildMenu(api, DEV_URL !== undefined, recent));
    for (const r of recent.slice(0, 5).reverse()) app.addRecentDocument(r.root);
  };
  refreshMenu().catch(() => Menu.setApplicationMenu(buildMenu(api, DEV_URL !== undefined, [])));
  // A project opened (from the page, the menu or the OS) moves to the top of File → Open Recent.
  let lastRoot: string | null = null;
  onProjectOpened = (root) => {
    if (root === lastRoot) return;
    lastRoot = root;
    void refreshMenu();
  };

  showMainWindow();
  if (pendingOpen) {
    openFromOs(pendingOpen.path, pendingOpen.cwd);
    pendingOpen = undefined;
  }
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) showMainWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let disposed = false;
app.on('before-quit', (event) => {
  if (disposed || !services) return;
  // Cancel running jobs and release the inference engine before the process goes.
  event.preventDefault();
  disposed = true;
  void services.dispose().finally(() => app.quit());
});
