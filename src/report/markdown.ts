// GitHub-flavoured Markdown tables, for slash commands: the model reads them in its prompt.
export function mdCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function mdTable(header: string[], rows: Array<Array<string | number | null | undefined>>, rightAligned: boolean[] = []): string {
  const line = (cells: Array<string | number | null | undefined>) => `| ${cells.map(mdCell).join(' | ')} |`;
  const rule = `|${header.map((_, i) => (rightAligned[i] ? '---:' : '---')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
