/**
 * Electron's security settings checked from the source, because the Electron binary (and so a real
 * window) is not available everywhere tests run. Crude on purpose: a reviewer can see exactly what
 * is asserted, and a change that weakens a setting fails here before it ships.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
/** Source without comments (block comments and whole-line // comments), so prose cannot match. */
const code = (file: string): string =>
  readFileSync(join(root, 'main', file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
const main = code('index.ts');
const preload = code('preload.ts');
const allMain = ['index.ts', 'ipc.ts', 'menu.ts', 'protocols.ts', 'bridge.ts'].map(code).join('\n');

/** The text of each `new BrowserWindow({...})` call, braces balanced. */
function browserWindowOptions(src: string): string[] {
  const found: string[] = [];
  let i = src.indexOf('new BrowserWindow(');
  while (i >= 0) {
    const start = src.indexOf('{', i);
    let depth = 0;
    let end = start;
    for (; end < src.length; end++) {
      if (src[end] === '{') depth++;
      else if (src[end] === '}' && --depth === 0) break;
    }
    found.push(src.slice(start, end + 1));
    i = src.indexOf('new BrowserWindow(', end);
  }
  return found;
}

describe('Electron main process security settings', () => {
  const windows = browserWindowOptions(allMain);

  it('creates at least one window', () => {
    expect(windows.length).toBeGreaterThan(0);
  });

  it.each(windows.map((w, i) => [i, w]))('window %i isolates and sandboxes the page', (_i, opts) => {
    expect(opts).toMatch(/contextIsolation:\s*true/);
    expect(opts).toMatch(/sandbox:\s*true/);
    expect(opts).toMatch(/nodeIntegration:\s*false/);
    expect(opts).not.toMatch(/webSecurity:\s*false/);
    expect(opts).not.toMatch(/allowRunningInsecureContent:\s*true/);
    expect(opts).not.toMatch(/experimentalFeatures:\s*true/);
    expect(opts).not.toMatch(/webviewTag:\s*true/);
  });

  it('never disables web security anywhere', () => {
    expect(allMain).not.toMatch(/webSecurity:\s*false/);
    expect(allMain).not.toMatch(/nodeIntegration:\s*true/);
    expect(allMain).not.toMatch(/contextIsolation:\s*false/);
    expect(allMain).not.toMatch(/sandbox:\s*false/);
  });

  it('denies new windows and blocks foreign navigation', () => {
    expect(main).toMatch(/setWindowOpenHandler\([^)]*\)\s*=>\s*\{[\s\S]*?action:\s*'deny'/);
    expect(main).not.toMatch(/action:\s*'allow'/);
    expect(main).toMatch(/\.on\('will-navigate',[\s\S]*?preventDefault\(\)/);
    expect(main).toMatch(/will-attach-webview[\s\S]*?preventDefault\(\)/);
    // Applied to every WebContents, not only the first window.
    expect(main).toMatch(/app\.on\('web-contents-created'/);
  });

  it('sets a CSP and refuses permission requests', () => {
    expect(main).toMatch(/Content-Security-Policy/);
    expect(main).toMatch(/setPermissionRequestHandler\([\s\S]*?callback\(false\)/);
  });

  it('exposes one IPC handler that validates the method name', () => {
    const handlers = allMain.match(/ipcMain\.(handle|on)\(/g) ?? [];
    expect(handlers).toEqual(['ipcMain.handle(']);
    expect(allMain).toMatch(/isApiMethod\(method\)/);
  });
});

describe('preload', () => {
  it('exposes only window.framewise', () => {
    const exposed = [...preload.matchAll(/exposeInMainWorld\(\s*'([^']+)'/g)].map((m) => m[1]);
    expect(exposed).toEqual(['framewise']);
    expect(preload.match(/exposeInMainWorld/g)).toHaveLength(1);
  });

  it('does not hand raw ipcRenderer or Node modules to the page', () => {
    // ipcRenderer used as a value (`send: ipcRenderer` or shorthand `ipcRenderer,`), not via a method call.
    expect(preload).not.toMatch(/:\s*ipcRenderer\b(?!\.)/);
    expect(preload).not.toMatch(/^\s*ipcRenderer,?\s*$/m);
    expect(preload).not.toMatch(/from 'node:/);
    expect(preload).not.toMatch(/require\(/);
    expect(preload).toMatch(/webUtils\.getPathForFile/);
  });
});
