import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { bridgeContractKeys } from './support/bridge-contract.js';
import { ARTIFACTS, ROOT, electronBinary } from './support/paths.js';
import { makeTestVideo } from './support/video.js';
import type { PageGlobals, VideoProbe } from './support/dom.js';

const exe = electronBinary();
test.skip(!exe, 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD); skipping');

test.beforeAll(() => {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('electron-vite build failed');
});

test('desktop app: locked-down window, IPC API and media protocol', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'framewise-electron-'));
  // Chromium's setuid sandbox cannot run as root (CI containers); the renderer sandbox flag stays on.
  const args = [ROOT, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])];
  const app = await electron.launch({ executablePath: exe!, args, cwd: ROOT });
  try {
    const win = await app.firstWindow();
    await expect(win.getByTestId('backend-indicator')).toBeVisible();
    await expect(win.getByTestId('transport')).toHaveText('desktop');

    // The page has no Node and sees exactly the bridge: the members of FramewiseBridge, read from
    // the types (test/main/preload-contract.test.ts checks the same without the binary).
    expect(await win.evaluate(() => typeof (globalThis as unknown as PageGlobals).require)).toBe('undefined');
    expect(await win.evaluate(() => typeof (globalThis as unknown as PageGlobals).process)).toBe('undefined');
    expect(
      await win.evaluate(() => Object.keys((globalThis as unknown as PageGlobals).framewise ?? {}).sort()),
    ).toEqual(bridgeContractKeys());

    // window.open is denied.
    expect(await win.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com') === null)).toBe(
      true,
    );
    expect(app.windows()).toHaveLength(1);

    // Same flow as serve mode, over IPC.
    const videoPath = makeTestVideo(tmp);
    await win.getByTestId('project-dir').fill(join(tmp, 'project'));
    await win.getByTestId('create-project').click();
    await expect(win.getByTestId('project-name')).toBeVisible();
    await win.getByTestId('video-paths').fill(videoPath);
    await win.getByTestId('add-videos-button').click();
    await expect(win.getByTestId('library-item')).toHaveCount(1);
    await expect(win.getByTestId('video-duration')).toHaveText('0:03');

    const video = win.getByTestId('player');
    expect(await video.getAttribute('src')).toMatch(/^framewise-media:\/\/video\//);
    await video.evaluate(async (el) => {
      const v = el as unknown as VideoProbe;
      v.muted = true;
      await v.play();
    });
    await expect.poll(() => video.evaluate((el) => (el as unknown as VideoProbe).readyState)).toBeGreaterThanOrEqual(2);
    await win.screenshot({ path: join(ARTIFACTS, 'electron.png') });
  } finally {
    await app.close();
    await rm(tmp, { recursive: true, force: true });
  }
});
