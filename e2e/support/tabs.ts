import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';

/** Opens a tab of the inspector column (only the open tab's panel is shown). */
export async function openTab(
  page: Page,
  id: 'segments' | 'training' | 'captioning' | 'jobs' | (string & {}),
): Promise<void> {
  await page.getByTestId(`tab-${id}`).click();
  await expect(page.getByTestId(`panel-${id}`)).toBeVisible();
}
