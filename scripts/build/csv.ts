/** The small CSV dialect of the data files: RFC 4180 quoting, a header line, and `#` comment lines. */
import { readFileSync } from 'node:fs';

/** Splits one CSV line into fields ("..." quotes a field, "" inside it is a quote). */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (line[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** Rows as objects keyed by the header's column names; blank lines and lines starting with `#` are skipped. */
export function readCsv(file: string): Record<string, string>[] {
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const header = parseCsvLine(lines[0] ?? '');
  return lines.slice(1).map((line) => {
    const fields = parseCsvLine(line);
    return Object.fromEntries(header.map((column, i) => [column, fields[i] ?? '']));
  });
}

/** One field as this dialect writes it: quoted when it holds a quote, a comma or a line break. */
export function csvField(value: string | number | boolean): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
