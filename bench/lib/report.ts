import { cpus, loadavg } from 'node:os';
import type { Comparison } from './timing';

/** One line of the final table: a threadorm figure (or a baseline) next to raw better-sqlite3 from the same run. */
export interface Row {
  group: string;
  name: string;
  subject: string;
  raw: string;
  ratio: string;
  target: string;
  /** Whether the target is met; undefined for informational rows. */
  met?: boolean;
}

/** What a figure must reach, checked against one number of the row. */
export interface Target {
  text: string;
  met: (value: number) => boolean;
}

export const atLeast = (min: number, suffix = ''): Target => ({ text: `>= ${min}${suffix}`, met: (value) => value >= min });
export const atMost = (max: number, suffix = ''): Target => ({ text: `<= ${max}${suffix}`, met: (value) => value <= max });
export const below = (max: number, suffix = ''): Target => ({ text: `< ${max}${suffix}`, met: (value) => value < max });

/** A throughput comparison; the target (if any) applies to the ratio. */
export function rateRow(group: string, name: string, comparison: Comparison, unit: string, target?: Target): Row {
  return {
    group,
    name,
    subject: formatRate(comparison.subject, unit),
    raw: formatRate(comparison.reference, unit),
    ratio: formatRatio(comparison.ratio),
    target: target ? `ratio ${target.text}` : '',
    met: target?.met(comparison.ratio),
  };
}

/** A row of free-form figures, with the target checked against `checked`. */
export function figureRow(
  group: string,
  name: string,
  figures: { subject: string; raw: string; ratio?: string },
  target?: { target: Target; label: string; checked: number },
): Row {
  return {
    group,
    name,
    subject: figures.subject,
    raw: figures.raw,
    ratio: figures.ratio ?? '',
    target: target ? `${target.label} ${target.target.text}` : '',
    met: target ? target.target.met(target.checked) : undefined,
  };
}

export function formatRate(perSecond: number, unit: string): string {
  const digits = perSecond >= 100 ? 0 : perSecond >= 10 ? 1 : 2;
  return `${perSecond.toLocaleString('en-US', { maximumFractionDigits: digits })} ${unit}/s`;
}

export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}x`;
}

export function formatMs(ms: number): string {
  return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms`;
}

export function formatMb(mb: number): string {
  return `${mb.toFixed(1)} MB`;
}

/** Machine context printed with the results: on a shared machine the load explains much of the noise. */
export function describeMachine(): string {
  return `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${describeLoad()}`;
}

export function describeLoad(): string {
  return `load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`;
}

/** The results as an aligned text table. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['group', 'case', 'threadorm (or baseline)', 'raw reference', 'ratio', 'target', ''];
  const cells = rows.map((row) => [row.group, row.name, row.subject, row.raw, row.ratio, row.target, status(row.met)]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((value, column) => (column >= 2 && column <= 4 ? value.padStart(widths[column]!) : value.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...cells.map(line)].join('\n');
}

function status(met: boolean | undefined): string {
  return met === undefined ? '' : met ? 'met' : 'MISSED';
}
