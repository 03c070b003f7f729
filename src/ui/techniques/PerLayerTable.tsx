import { useMemo, useState } from 'react';
import type { LayerReportRow } from '../../engine/techniques/types';
import { isFractionKey } from '../charts/fractions';

/** Fractions read as percentages; other numbers at four significant decimals; null as "—". */
function cell(v: number | string | null | undefined, fraction: boolean): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (fraction) return `${(v * 100).toFixed(1)}%`;
  return Math.abs(v) < 1 && v !== 0 ? v.toFixed(4) : String(Number(v.toFixed(4)));
}


type Sort = { key: string; dir: 1 | -1 };

function compare(a: number | string | null | undefined, b: number | string | null | undefined): number {
  if (a == null) return b == null ? 0 : 1; // unknowns last, whichever the direction
  if (b == null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/**
 * Every per-layer number a result has — what its chart shows and what its notes point at (e.g.
 * why a layer was left whole) — one row per layer; a click on a column header sorts by it.
 */
export function PerLayerTable({ rows, testId = 'per-layer-table' }: { rows: LayerReportRow[]; testId?: string }) {
  const columns = useMemo(() => [...new Set(rows.flatMap((r) => Object.keys(r)))], [rows]);
  const numeric = useMemo(() => new Set(columns.filter((c) => rows.some((r) => typeof r[c] === 'number'))), [columns, rows]);
  const [sort, setSort] = useState<Sort | null>(null);
  const sorted = useMemo(() => {
    const indexed = rows.map((row, i) => ({ row, i })); // a layer may have several rows (a sensitivity scan)
    if (!sort) return indexed;
    return indexed.sort(({ row: a }, { row: b }) => {
      const [x, y] = [a[sort.key], b[sort.key]];
      return x == null || y == null ? compare(x, y) : sort.dir * compare(x, y);
    });
  }, [rows, sort]);
  const toggle = (key: string) => setSort((s) => (s?.key === key ? { key, dir: s.dir === 1 ? -1 : 1 } : { key, dir: numeric.has(key) ? -1 : 1 }));
  return (
    <div className="table-scroll">
      <table className="table per-layer-table" data-testid={testId}>
        <caption className="muted">Per-layer table ({rows.length} rows) — click a column to sort</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col" className={numeric.has(c) ? 'num' : undefined} aria-sort={sort?.key === c ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
                <button type="button" className="sort" onClick={() => toggle(c)}>
                  {c}
                  {sort?.key === c ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map(({ row: r, i }) => (
            <tr key={i}>
              {columns.map((c) =>
                c === 'layer' ? (
                  <th key={c} scope="row" className="layer-name" title={r.layer}>
                    {r.layer}
                  </th>
                ) : (
                  <td key={c} className={numeric.has(c) ? 'num' : undefined}>
                    {cell(r[c], isFractionKey(c) && typeof r[c] === 'number')}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
