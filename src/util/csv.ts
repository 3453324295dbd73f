/** CSV reading shared by the predictions export and the segment import. */
import { FramewiseError } from '../errors.js';

/** RFC 4180 parser: returns records as arrays of fields. Accepts LF or CRLF line ends. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  const s = text.replace(/^\uFEFF/, '');
  const endField = (): void => {
    record.push(field);
    field = '';
    fieldStarted = false;
  };
  while (i < s.length) {
    const ch = s[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && !fieldStarted && field === '') {
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (ch === ',') {
      endField();
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endField();
      records.push(record);
      record = [];
      i += ch === '\r' && s[i + 1] === '\n' ? 2 : 1;
    } else {
      field += ch;
      fieldStarted = true;
      i++;
    }
  }
  if (quoted) throw new FramewiseError('BAD_ARGUMENT', 'CSV ends inside a quoted field');
  if (field !== '' || fieldStarted || record.length > 0) {
    endField();
    records.push(record);
  }
  return records;
}
