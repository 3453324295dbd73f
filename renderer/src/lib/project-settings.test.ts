import { describe, expect, it } from 'vitest';
import { costMessage, sameSettings } from './project-settings.js';

const base = { backboneId: 'mobilenet_v2_nsfwjs', fps: 4, clipLength: 16, streams: ['motion', 'object'] };

describe('project settings panel', () => {
  it('says how many videos are re-extracted, and nothing when the features stay', () => {
    expect(costMessage({ videos: 3, toExtract: 2, featuresChange: true }, 0)).toBe(
      'Features of 2 videos will be re-extracted (at the next training or prediction).',
    );
    expect(costMessage({ videos: 3, toExtract: 1, featuresChange: true }, 1)).toBe(
      'Features of 1 video will be re-extracted (at the next training or prediction). The trained model uses the old features and will need retraining.',
    );
    expect(costMessage({ videos: 3, toExtract: 0, featuresChange: true }, 2)).toBe(
      'Features for these settings are already cached for all 3 videos. The 2 trained models use the old features and will need retraining.',
    );
    expect(costMessage({ videos: 0, toExtract: 0, featuresChange: true }, 0)).toBe(
      'The project has no videos yet: nothing to extract.',
    );
    expect(costMessage({ videos: 3, toExtract: 3, featuresChange: false }, 2)).toBe(
      'No features need extracting for this change.',
    );
  });

  it('compares settings with streams in any order', () => {
    expect(sameSettings(base, { ...base, streams: ['object', 'motion'] })).toBe(true);
    expect(sameSettings(base, { ...base, fps: 2 })).toBe(false);
    expect(sameSettings(base, { ...base, streams: ['motion'] })).toBe(false);
    expect(sameSettings({ ...base, streams: undefined }, { ...base, streams: [] })).toBe(true);
    // A project without a frame fit stretches.
    expect(sameSettings(base, { ...base, frameFit: 'stretch' })).toBe(true);
    expect(sameSettings(base, { ...base, frameFit: 'pad' })).toBe(false);
  });
});
