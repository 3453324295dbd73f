import { describe, expect, it } from 'vitest';
import { httpStatusFor } from '../../src/serve/http-status.js';

describe('httpStatusFor', () => {
  it('maps caller errors to 4xx and only bugs to 500', () => {
    expect(httpStatusFor('BAD_ARGUMENT')).toBe(400);
    expect(httpStatusFor('UNAUTHORIZED')).toBe(401);
    expect(httpStatusFor('NOT_FOUND')).toBe(404);
    expect(httpStatusFor('CORRUPT_VIDEO')).toBe(422);
    expect(httpStatusFor('FFMPEG_NOT_FOUND')).toBe(503);
    expect(httpStatusFor('INTERNAL')).toBe(500);
  });
});
