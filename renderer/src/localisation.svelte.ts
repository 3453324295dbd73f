/**
 * How predictions are turned into segments (threshold, smoothing, minimum duration), remembered per
 * project for this session: what a person tuned for one project's videos stays when they switch
 * projects and come back. Unset fields keep the core's defaults.
 */
import type { LocalizationArgs } from '../../src/services/contract.js';
import type { LocalisationField } from './lib/localisation.js';

export class LocalisationState {
  /** Project root → what was set there. */
  private byProject = $state<Record<string, LocalizationArgs>>({});

  of(root: string | undefined): LocalizationArgs {
    return (root && this.byProject[root]) || {};
  }

  set(root: string, field: LocalisationField, value: number): void {
    this.byProject[root] = { ...this.of(root), [field]: value };
  }

  /** Back to the defaults for this project. */
  reset(root: string): void {
    delete this.byProject[root];
  }
}
