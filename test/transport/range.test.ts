import { describe, expect, it } from 'vitest';
import { mediaMimeType, planRange, rangeHeaders } from '../../src/transport/range.js';

describe('planRange', () => {
  it('serves the whole file without a Range header', () => {
    expect(planRange(undefined, 10)).toEqual({ kind: 'full', status: 200, start: 0, end: 9, length: 10 });
    expect(planRange('', 10).kind).toBe('full');
  });

  it('parses the three byte-range forms', () => {
    expect(planRange('bytes=2-5', 10)).toMatchObject({ status: 206, start: 2, end: 5, length: 4 });
    expect(planRange('bytes=7-', 10)).toMatchObject({ status: 206, start: 7, end: 9, length: 3 });
    expect(planRange('bytes=-3', 10)).toMatchObject({ status: 206, start: 7, end: 9, length: 3 });
    expect(planRange('bytes=-30', 10)).toMatchObject({ status: 206, start: 0, end: 9 });
    expect(planRange('bytes=5-100', 10)).toMatchObject({ status: 206, start: 5, end: 9 });
  });

  it('is 416 when invalid or unsatisfiable, and ignores unknown units', () => {
    for (const h of [
      'bytes=10-',
      'bytes=3-2',
      'bytes=-0',
      'bytes=x-1',
      'bytes=',
      'garbage',
      'bytes=99999999999999999999-',
    ]) {
      expect(planRange(h, 10).status, h).toBe(416);
    }
    expect(planRange('bytes=0-', 0).status).toBe(416);
    expect(planRange('pages=1-2', 10).status).toBe(200);
  });

  it('builds Content-Range headers', () => {
    expect(rangeHeaders(planRange('bytes=2-5', 10), 10, 'video/mp4')).toMatchObject({
      'Content-Range': 'bytes 2-5/10',
      'Content-Length': '4',
      'Accept-Ranges': 'bytes',
    });
    expect(rangeHeaders(planRange('bytes=20-', 10), 10, 'video/mp4')['Content-Range']).toBe('bytes */10');
  });

  it('maps video extensions to MIME types', () => {
    expect(mediaMimeType('/a/b.MP4')).toBe('video/mp4');
    expect(mediaMimeType('x.webm')).toBe('video/webm');
    expect(mediaMimeType('x.mov')).toBe('video/quicktime');
    expect(mediaMimeType('x.mkv')).toBe('video/x-matroska');
    expect(mediaMimeType('x.exe')).toBe('application/octet-stream');
  });
});
