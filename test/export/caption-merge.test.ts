import { describe, expect, it } from 'vitest';
import { coversSpan, generatedFor, mergeCaptionCues } from '../../src/export/caption-merge.js';

describe('coversSpan', () => {
  it('needs an overlap of half the shorter span', () => {
    expect(coversSpan({ start: 0, end: 2 }, { start: 0, end: 2 })).toBe(true);
    expect(coversSpan({ start: 0, end: 2 }, { start: 1, end: 3 })).toBe(true); // 1 of 2
    expect(coversSpan({ start: 0, end: 2 }, { start: 1.2, end: 3 })).toBe(false); // 0.8 of 1.8
    expect(coversSpan({ start: 0, end: 2 }, { start: 2, end: 3 })).toBe(false); // touching
    // A 1 s segment inside a 4 s window caption.
    expect(coversSpan({ start: 0, end: 4 }, { start: 1, end: 2 })).toBe(true);
  });
});

describe('generatedFor', () => {
  it('picks the cue with the largest overlap', () => {
    const cues = [
      { start: 0, end: 2, text: 'a' },
      { start: 2, end: 4, text: 'b' },
    ];
    expect(generatedFor(cues, { start: 1.5, end: 3.9 })?.text).toBe('b');
    expect(generatedFor(cues, { start: 5, end: 6 })).toBeNull();
  });
});

describe('mergeCaptionCues', () => {
  const generated = [
    { start: 0, end: 2, text: 'a red light' },
    { start: 2, end: 4, text: 'a blue screen' },
  ];
  it("the person's caption replaces the generated one for its span", () => {
    const out = mergeCaptionCues(generated, [{ start: 2, end: 4, captions: ['the screen turns blue'] }]);
    expect(out).toEqual([
      { start: 0, end: 2, text: 'a red light' },
      { start: 2, end: 4, text: 'the screen turns blue' },
    ]);
  });
  it('segments without a caption leave the generated text, captioned ones elsewhere are added', () => {
    const out = mergeCaptionCues(generated, [
      { start: 0, end: 2, captions: ['  '] },
      { start: 6, end: 7, captions: ['a hand waves'] },
    ]);
    expect(out.map((c) => c.text)).toEqual(['a red light', 'a blue screen', 'a hand waves']);
  });
  it('one segment covering two window cues is exported once', () => {
    const windows = [
      { start: 0, end: 1, text: 'x' },
      { start: 1, end: 2, text: 'y' },
      { start: 2, end: 3, text: 'z' },
    ];
    const out = mergeCaptionCues(windows, [{ start: 0, end: 2, captions: ['mine'] }]);
    expect(out).toEqual([
      { start: 0, end: 2, text: 'mine' },
      { start: 2, end: 3, text: 'z' },
    ]);
  });
});
