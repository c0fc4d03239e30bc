/**
 * The record of processing (`npm run privacy:report`) as HTML, so that a data-protection officer reads tables and
 * headings rather than Markdown source. The report is the one source of its facts; this renders only the Markdown
 * it uses: headings, paragraphs, `|` tables (first row the header, the `---` row skipped), `-` lists, `>` quotes,
 * and inline `code`, _emphasis_ and **strong**. Everything is HTML-escaped before any markup is added, so text in
 * the configuration (a site's origin, say) can never become markup.
 */

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ?? character);

/** Inline markup of one escaped line: code first, so that `_` or `*` inside code stays literal. */
function inline(text: string): string {
  const codes: string[] = [];
  const withoutCode = escapeHtml(text).replace(/`([^`]+)`/g, (_match, code: string) => {
    codes.push(`<code>${code}</code>`);
    return `\u0000${codes.length - 1}\u0000`;
  });
  return withoutCode
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[\s(])_([^_]+)_(?=$|[\s).,;:])/g, '$1<em>$2</em>')
    .replace(/\u0000(\d+)\u0000/g, (_match, index: string) => codes[Number(index)] ?? '');
}

/** The cells of a table row `| a | b |`; `\|` inside a cell is not a separator. */
const cellsOf = (row: string): string[] =>
  row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));

const isTableRule = (row: string): boolean => /^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$/.test(row.trim());

function table(rows: readonly string[], caption: string | undefined): string {
  const [head = '', ...rest] = rows;
  const body = rest.filter((row) => !isTableRule(row));
  const headCells = cellsOf(head);
  // A table with an empty header row (the report's key–value table) reads better with each row's first cell as its header.
  const keyValue = headCells.every((cell) => cell === '');
  const headHtml = keyValue ? '' : `<thead><tr>${headCells.map((cell) => `<th scope="col">${inline(cell)}</th>`).join('')}</tr></thead>`;
  const bodyHtml = body
    .map((row) => {
      const [first = '', ...others] = cellsOf(row);
      return `<tr><th scope="row">${inline(first)}</th>${others.map((cell) => `<td>${inline(cell)}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<table>${caption ? `<caption>${inline(caption)}</caption>` : ''}${headHtml}<tbody>${bodyHtml}</tbody></table>`;
}

/** Renders the report's Markdown; headings get ids (`record-1`, …) so a table can name its section as caption. */
export function markdownToHtml(markdown: string): string {
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  let heading: string | undefined;
  let headingCount = 0;
  for (let index = 0; index < lines.length; ) {
    const line = lines[index] ?? '';
    const take = (test: (candidate: string) => boolean): string[] => {
      const block: string[] = [];
      while (index < lines.length && test(lines[index] ?? '')) block.push(lines[index++] ?? '');
      return block;
    };
    const headingMatch = /^(#{1,4})\s+(.*)$/.exec(line);
    if (line.trim() === '') {
      index += 1;
    } else if (headingMatch) {
      const level = (headingMatch[1] ?? '#').length;
      heading = headingMatch[2] ?? '';
      headingCount += 1;
      out.push(`<h${level} id="record-${headingCount}">${inline(heading)}</h${level}>`);
      index += 1;
    } else if (line.trimStart().startsWith('|')) {
      out.push(table(take((candidate) => candidate.trimStart().startsWith('|')), heading));
    } else if (/^\s*-\s+/.test(line)) {
      out.push(`<ul>${take((candidate) => /^\s*-\s+/.test(candidate)).map((item) => `<li>${inline(item.replace(/^\s*-\s+/, ''))}</li>`).join('')}</ul>`);
    } else if (line.startsWith('>')) {
      const quoted = take((candidate) => candidate.startsWith('>')).map((quote) => quote.replace(/^>\s?/, ''));
      out.push(`<blockquote><p>${inline(quoted.join(' '))}</p></blockquote>`);
    } else {
      const paragraph = take((candidate) => candidate.trim() !== '' && !/^(#{1,4}\s|\||\s*-\s|>)/.test(candidate));
      out.push(`<p>${inline(paragraph.join(' '))}</p>`);
    }
  }
  return out.join('\n');
}
