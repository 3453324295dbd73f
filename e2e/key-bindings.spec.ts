/**
 * Key bindings are the person's: in the `?` overlay a shortcut takes a new key, a key in use by
 * another shortcut is refused naming it, and the binding holds after a reload (per user storage).
 */
import { test, expect } from './support/serve-fixture.js';

test('a shortcut rebound in the ? overlay answers to its new key after a reload', async ({ page, serve }) => {
  await page.goto(serve.url);
  await expect(page.getByTestId('shell')).toHaveAttribute('data-loaded', 'true');
  const help = page.getByTestId('shortcuts-help');
  await page.keyboard.press('Shift+?');
  await expect(help).toBeVisible();

  const row = help.locator('[data-shortcut-id="help"]');
  // K is the player's Pause: refused, and the row keeps its key.
  await row.getByTestId('rebind').click();
  await page.keyboard.press('k');
  await expect(help.getByTestId('rebind-message')).toContainText('Pause playback');
  await expect(row.locator('kbd')).toHaveText(['?']);
  // H is free.
  await page.keyboard.press('h');
  await expect(row.locator('kbd')).toHaveText(['H']);
  await expect(row.getByTestId('rebind-reset')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);

  // ? no longer opens the list; H does, also after a reload.
  await page.keyboard.press('Shift+?');
  await expect(help).toHaveCount(0);
  await page.keyboard.press('h');
  await expect(help).toBeVisible();
  await page.keyboard.press('Escape');
  await page.reload();
  await expect(page.getByTestId('shell')).toHaveAttribute('data-loaded', 'true');
  await page.keyboard.press('h');
  await expect(help).toBeVisible();

  // Back to the default.
  await help.locator('[data-shortcut-id="help"]').getByTestId('rebind-reset').click();
  await expect(help.locator('[data-shortcut-id="help"] kbd')).toHaveText(['?']);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+?');
  await expect(help).toBeVisible();
});
