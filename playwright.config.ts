import { chromium, defineConfig } from '@playwright/test';
import { findChromium } from './e2e/support/browser.js';

/**
 * End-to-end tests against the real app: serve mode in a system Chromium (always; see
 * e2e/support/browser.ts for where it is looked for), and the Electron app through Playwright's
 * _electron (only where the Electron binary is installed). Without any Chromium the run stops here
 * with a message saying how to install one.
 */
const browser = findChromium({ playwrightChromium: () => chromium.executablePath() });

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'e2e/artifacts',
  globalSetup: './e2e/global-setup.ts',
  // Two cores, one server, one browser: parallel workers would only slow each other down.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    actionTimeout: 15_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    video: 'off',
    launchOptions: {
      executablePath: browser.executablePath,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu'],
    },
  },
});
