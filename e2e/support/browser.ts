/**
 * Which Chromium the end-to-end tests drive. Debian's /usr/bin/chromium was hard-coded; a Mac, a
 * Windows machine or an Ubuntu with `chromium-browser` or Chrome has it elsewhere or not at all.
 * Order: an explicit variable, a system browser on PATH, the usual macOS/Windows install folders,
 * then Playwright's own download (`npx playwright install chromium`).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Variables that name the browser, first match wins. CHROME_PATH is what other tools read too. */
export const BROWSER_ENV_VARS = ['FRAMEWISE_CHROMIUM', 'CHROME_PATH'] as const;
export const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'] as const;

export interface FoundBrowser {
  executablePath: string;
  /** Where it was found, for messages: "FRAMEWISE_CHROMIUM", "PATH", "install folder", "Playwright". */
  source: string;
}

export interface FindBrowserOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
  /** Whether `file` is an executable file; the tests replace it so they do not depend on this machine. */
  isExecutable?: (file: string) => boolean;
  /** Playwright's own Chromium (chromium.executablePath()), whether downloaded or not. */
  playwrightChromium?: () => string | undefined;
}

export class BrowserNotFoundError extends Error {
  override name = 'BrowserNotFoundError';
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    // Windows has no execute bit; existing is enough there.
    if (process.platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Standard install locations outside PATH (app bundles, Program Files). */
export function installLocations(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string[] {
  if (platform === 'darwin') {
    const apps = ['Chromium.app/Contents/MacOS/Chromium', 'Google Chrome.app/Contents/MacOS/Google Chrome'];
    return ['/Applications', path.join(home, 'Applications')].flatMap((dir) => apps.map((a) => path.join(dir, a)));
  }
  if (platform === 'win32') {
    const w = path.win32;
    const roots = [env['LOCALAPPDATA'], env['PROGRAMFILES'], env['PROGRAMFILES(X86)']].filter((r): r is string => !!r);
    return roots.flatMap((r) => [
      w.join(r, 'Chromium', 'Application', 'chrome.exe'),
      w.join(r, 'Google', 'Chrome', 'Application', 'chrome.exe'),
    ]);
  }
  return [];
}

/** What to tell someone who has none, per platform. */
export function installHint(platform: NodeJS.Platform): string {
  const native =
    platform === 'darwin'
      ? '`brew install --cask chromium`'
      : platform === 'win32'
        ? 'install Google Chrome'
        : '`sudo apt-get install chromium` (Debian; Ubuntu: chromium-browser)';
  return (
    `Install one: ${native}, or on any system \`npx playwright install chromium\`; ` +
    `or point ${BROWSER_ENV_VARS[0]} at a Chromium or Chrome executable.`
  );
}

/** The browser to launch; throws BrowserNotFoundError with what was tried and how to install one. */
export function findChromium(options: FindBrowserOptions = {}): FoundBrowser {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const isExecutable = options.isExecutable ?? isExecutableFile;

  for (const name of BROWSER_ENV_VARS) {
    const value = env[name];
    if (!value) continue;
    // Someone who names a browser wants that one: falling back silently would test another.
    if (!isExecutable(value)) throw new BrowserNotFoundError(`${name}=${value} is not an executable file.`);
    return { executablePath: value, source: name };
  }

  const p = platform === 'win32' ? path.win32 : path.posix;
  const dirs = (env['PATH'] ?? env['Path'] ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean);
  const names = platform === 'win32' ? [...PATH_NAMES, 'chrome'].map((n) => `${n}.exe`) : [...PATH_NAMES];
  for (const name of names) {
    for (const dir of dirs) {
      const file = p.join(dir, name);
      if (isExecutable(file)) return { executablePath: file, source: 'PATH' };
    }
  }

  for (const file of installLocations(platform, env, options.home ?? homedir())) {
    if (isExecutable(file)) return { executablePath: file, source: 'install folder' };
  }

  let bundled: string | undefined;
  try {
    bundled = options.playwrightChromium?.();
  } catch {
    bundled = undefined;
  }
  if (bundled && isExecutable(bundled)) return { executablePath: bundled, source: 'Playwright' };

  throw new BrowserNotFoundError(
    `No Chromium for the end-to-end tests (looked at ${BROWSER_ENV_VARS.join(', ')}, ${PATH_NAMES.join(', ')} on PATH` +
      `${platform === 'darwin' || platform === 'win32' ? ', the usual install folders' : ''} and Playwright's own browser). ` +
      installHint(platform),
  );
}
