/**
 * A project's own labels as CSV: `file,start,end,label,caption` — the columns the segment import
 * reads (`file,start,end,label`, store/import-segments.ts) plus the first caption (labels-json.ts
 * keeps every caption), so labels made in Framewise go back into it, or into a spreadsheet,
 * unchanged. Cells are written as the predictions CSV writes them (RFC 4180, CRLF, formula guard).
 */
import { csvTextCell } from './predictions.js';

export interface LabelRow {
  file: string;
  start: number;
  end: number;
  label: string;
  /** All of the segment's captions; the CSV has room for the first (labels JSON keeps them all). */
  captions: string[];
}

export function toLabelsCsv(rows: readonly LabelRow[]): string {
  const lines = ['file,start,end,label,caption'];
  for (const r of rows)
    lines.push(
      [
        csvTextCell(r.file),
        r.start.toFixed(3),
        r.end.toFixed(3),
        csvTextCell(r.label),
        csvTextCell(r.captions[0] ?? ''),
      ].join(','),
    );
  return lines.join('\r\n') + '\r\n';
}
