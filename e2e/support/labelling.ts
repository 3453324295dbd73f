/**
 * The keyboard path a person labels with: seek, I, seek, O, the class's number key, Enter.
 */
import type { Page } from '@playwright/test';
import { expect } from './serve-fixture.js';

/** Adds the segment [start, end] of class `classKey` ('1'–'9') to the selected video. */
export async function addSegmentByKeys(
  page: Page,
  seek: (t: number) => Promise<unknown>,
  start: number,
  end: number,
  classKey: string,
): Promise<void> {
  // Shortcuts are ignored while a field has focus (the caption field after the previous segment).
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  await seek(start);
  await page.keyboard.press('i');
  await expect(page.getByTestId('in-point')).toHaveText(`${start.toFixed(2)} s`);
  await seek(end);
  await page.keyboard.press('o');
  await expect(page.getByTestId('out-point')).toHaveText(`${end.toFixed(2)} s`);
  await page.keyboard.press(classKey);
  await page.keyboard.press('Enter');
}
