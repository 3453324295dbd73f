/** CSV reading shared by the predictions export and the segment import. */
import { parse } from 'csv-parse/sync';
import { FramewiseError } from '../errors.js';

/**
 * RFC 4180 records as arrays of fields, read by csv-parse. Accepts LF or CRLF line ends and a BOM;
 * rows may have different lengths (a file's last column is often left off), and a quote inside an
 * unquoted field is kept as a character, as spreadsheets write it.
 */
export function parseCsv(text: string): string[][] {
  try {
    return parse(text, { bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  } catch (e) {
    throw new FramewiseError('BAD_ARGUMENT', `CSV is malformed: ${(e as Error).message}`);
  }
}

const RISKY = /^'*[=+\-@\t\r]/;

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading `'`,
 * as OWASP advises for CSV injection; formulaUnguard takes exactly that `'` off again on import.
 */
export function formulaGuard(cell: string): string {
  return RISKY.test(cell) ? `'${cell}` : cell;
}

export function formulaUnguard(cell: string): string {
  return cell.startsWith("'") && RISKY.test(cell) ? cell.slice(1) : cell;
}
