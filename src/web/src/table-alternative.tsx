import type { ReactNode } from 'react';

/** A chart's data as a table, folded away under a toggle: the text alternative every chart here has. */
export function TableAlternative({ toggle, caption, columns, children }: { toggle: string; caption: string; columns: readonly string[]; children: ReactNode }) {
  return (
    <details className="data-table">
      <summary>{toggle}</summary>
      <div className="table-wrap">
        <table>
          <caption>{caption}</caption>
          <thead><tr>{columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr></thead>
          <tbody>{children}</tbody>
        </table>
      </div>
    </details>
  );
}
