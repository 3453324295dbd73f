import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';

/**
 * Creates (and opens) a project through the Project panel. The worker's server may already have
 * another spec's project open, so the panel is expanded first when needed.
 */
export async function createProject(page: Page, dir: string, name: string): Promise<void> {
  await expect(page.getByTestId('shell')).toHaveAttribute('data-loaded', 'true');
  if (await page.getByTestId('change-project').isVisible()) await page.getByTestId('change-project').click();
  await page.getByTestId('project-dir').fill(dir);
  await page.getByTestId('project-name-input').fill(name);
  await page.getByTestId('create-project').click();
  await expect(page.getByTestId('project-name')).toHaveText(name);
}
