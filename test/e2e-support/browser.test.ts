/**
 * Where the end-to-end tests find Chromium. The file system and PATH are fakes, so the search order
 * is tested the same on every machine, with or without a browser installed.
 */
import { describe, expect, it } from 'vitest';
import { BrowserNotFoundError, findChromium, type FindBrowserOptions } from '../../e2e/support/browser.js';

function finder(executables: string[], options: Omit<FindBrowserOptions, 'isExecutable'> = {}) {
  const present = new Set(executables);
  return findChromium({ env: {}, platform: 'linux', home: '/home/u', ...options, isExecutable: (f) => present.has(f) });
}

describe('findChromium', () => {
  it('prefers FRAMEWISE_CHROMIUM, then CHROME_PATH, over anything on PATH', () => {
    const env = { FRAMEWISE_CHROMIUM: '/opt/a/chrome', CHROME_PATH: '/opt/b/chrome', PATH: '/usr/bin' };
    const all = ['/opt/a/chrome', '/opt/b/chrome', '/usr/bin/chromium'];
    expect(finder(all, { env })).toEqual({ executablePath: '/opt/a/chrome', source: 'FRAMEWISE_CHROMIUM' });
    expect(finder(all, { env: { CHROME_PATH: '/opt/b/chrome', PATH: '/usr/bin' } })).toEqual({
      executablePath: '/opt/b/chrome',
      source: 'CHROME_PATH',
    });
  });

  it('refuses a variable naming a missing file instead of quietly using another browser', () => {
    expect(() => finder(['/usr/bin/chromium'], { env: { FRAMEWISE_CHROMIUM: '/nope', PATH: '/usr/bin' } })).toThrow(
      /FRAMEWISE_CHROMIUM=\/nope is not an executable file/,
    );
  });

  it('searches PATH by name in order: chromium, chromium-browser, google-chrome, google-chrome-stable', () => {
    const env = { PATH: '/usr/local/bin:/usr/bin:/snap/bin' };
    expect(finder(['/snap/bin/chromium', '/usr/bin/google-chrome'], { env }).executablePath).toBe('/snap/bin/chromium');
    expect(finder(['/usr/bin/chromium-browser', '/usr/local/bin/google-chrome'], { env }).executablePath).toBe(
      '/usr/bin/chromium-browser',
    );
    expect(finder(['/usr/bin/google-chrome-stable', '/usr/local/bin/google-chrome'], { env }).executablePath).toBe(
      '/usr/local/bin/google-chrome',
    );
    expect(finder(['/usr/bin/google-chrome-stable'], { env })).toEqual({
      executablePath: '/usr/bin/google-chrome-stable',
      source: 'PATH',
    });
  });

  it('looks in the macOS application folders when PATH has nothing', () => {
    const mac = { platform: 'darwin' as const, env: { PATH: '/usr/bin' } };
    const chrome = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    const userChromium = '/home/u/Applications/Chromium.app/Contents/MacOS/Chromium';
    expect(finder([chrome, userChromium], mac)).toEqual({ executablePath: chrome, source: 'install folder' });
    expect(finder([userChromium], mac).executablePath).toBe(userChromium);
    expect(finder([chrome, '/usr/bin/chromium'], mac).executablePath).toBe('/usr/bin/chromium');
  });

  it('on Windows looks for .exe names on PATH, then under Local AppData and Program Files', () => {
    const env = {
      Path: 'C:\\Tools',
      LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local',
      PROGRAMFILES: 'C:\\Program Files',
    };
    const programFiles = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
    const local = 'C:\\Users\\u\\AppData\\Local\\Chromium\\Application\\chrome.exe';
    const win = { platform: 'win32' as const, env };
    expect(finder(['C:\\Tools\\chrome.exe', programFiles], win).executablePath).toBe('C:\\Tools\\chrome.exe');
    expect(finder([programFiles, local], win).executablePath).toBe(local);
    expect(finder([programFiles], win).executablePath).toBe(programFiles);
  });

  it("falls back to Playwright's own Chromium only when its file exists", () => {
    const bundled = '/home/u/.cache/ms-playwright/chromium-1/chrome-linux64/chrome';
    const options = { env: { PATH: '/usr/bin' }, playwrightChromium: () => bundled };
    expect(finder(['/usr/bin/chromium', bundled], options).source).toBe('PATH');
    expect(finder([bundled], options)).toEqual({ executablePath: bundled, source: 'Playwright' });
    expect(() => finder([], options)).toThrow(BrowserNotFoundError);
    const throwing = () => {
      throw new Error('Playwright is not installed');
    };
    expect(() => finder([], { ...options, playwrightChromium: throwing })).toThrow(BrowserNotFoundError);
  });

  it('says how to install one when there is none, per platform', () => {
    expect(() => finder([], { env: { PATH: '/usr/bin' } })).toThrow(
      /apt-get install chromium.*npx playwright install chromium/,
    );
    expect(() => finder([], { platform: 'darwin', env: {} })).toThrow(/brew install --cask chromium/);
    expect(() => finder([], { platform: 'win32', env: {} })).toThrow(/FRAMEWISE_CHROMIUM/);
  });
});
