/**
 * Project settings, before they are applied: project.settingsCost validates new settings as a save
 * would (schema, backbone, streams) and counts the videos whose features would be extracted again.
 * Applying them is an ordinary project.save.
 */
import { access } from 'node:fs/promises';
import { FramewiseError } from '../errors.js';
import { featureRevisionOf } from '../features/backbones/feature-revision.js';
import { getBackbone } from '../features/backbones/registry.js';
import { featureSetId, streamsFor } from '../features/streams/streams.js';
import { frameFitOf, settingsCacheFile } from '../project/video-features.js';
import { validateProject, type ProjectSettings } from '../store/schema.js';
import type { Api } from './contract.js';
import type { ServiceContext } from './service-context.js';

type SettingsApi = Pick<Api, 'project.settingsCost'>;

/** The extraction refuses rates outside this range (features/extract.ts), so the settings do too. */
const MAX_FPS = 240;

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/** What the features are made of: the cache files and models are keyed by these. */
function featureKey(s: ProjectSettings): string {
  return `${featureSetId(s.backboneId, streamsFor(s.streams ?? []))}@${s.fps}/${frameFitOf(s)}`;
}

export function settingsServices(ctx: ServiceContext): SettingsApi {
  return {
    'project.settingsCost': async ({ settings }) => {
      const s = ctx.requireStore();
      validateProject({ ...s.project, settings }, 'the new settings');
      if (settings.fps > MAX_FPS)
        throw new FramewiseError('BAD_ARGUMENT', `The sampling rate must be at most ${MAX_FPS} fps.`);
      if (!Number.isInteger(settings.clipLength))
        throw new FramewiseError('BAD_ARGUMENT', 'The clip length is a whole number of frames.');
      streamsFor(settings.streams ?? []);
      const spec = await getBackbone(settings.backboneId);
      const engine = { ...spec, backboneId: spec.id, featureRevision: featureRevisionOf(spec) };
      let toExtract = 0;
      for (const video of s.project.videos) {
        const file = settingsCacheFile(s.paths.features, video, settings, engine);
        if (!file || !(await exists(file))) toExtract++;
      }
      return {
        videos: s.project.videos.length,
        toExtract,
        featuresChange: featureKey(settings) !== featureKey(s.project.settings),
      };
    },
  };
}
