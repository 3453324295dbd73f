/** The Project settings panel's wording and checks, kept apart from the component to be testable. */
import type { SettingsCost } from '../../../src/services/contract.js';
import type { ProjectSettings } from '../../../src/store/schema.js';

/** Streams sorted, so ["motion","object"] and ["object","motion"] count as the same settings. */
export function sameSettings(a: ProjectSettings, b: ProjectSettings): boolean {
  const streams = (s: ProjectSettings): string => [...(s.streams ?? [])].sort().join(',');
  const fit = (s: ProjectSettings): string => s.frameFit ?? 'stretch';
  return (
    a.fps === b.fps &&
    a.clipLength === b.clipLength &&
    a.backboneId === b.backboneId &&
    streams(a) === streams(b) &&
    fit(a) === fit(b)
  );
}

/** What applying the settings costs, in the words the panel shows before "Apply". */
export function costMessage(cost: SettingsCost, models: number): string {
  if (!cost.featuresChange) return 'No features need extracting for this change.';
  const n = cost.toExtract;
  const videos = `${n} video${n === 1 ? '' : 's'}`;
  const extract =
    cost.videos === 0
      ? 'The project has no videos yet: nothing to extract.'
      : n === 0
        ? `Features for these settings are already cached for all ${cost.videos} videos.`
        : `Features of ${videos} will be re-extracted (at the next training or prediction).`;
  const retrain =
    models === 0
      ? ''
      : models === 1
        ? ' The trained model uses the old features and will need retraining.'
        : ` The ${models} trained models use the old features and will need retraining.`;
  return extract + retrain;
}
