/** A confusion matrix as a table: rows are true classes, columns predicted; shade = share of the row. */
export function ConfusionMatrix({ matrix, classNames }: { matrix: number[][]; classNames: string[] }) {
  return (
    <div className="table-scroll">
      <table className="table confusion" data-testid="confusion-matrix">
        <caption className="muted">Rows: true class · columns: predicted class</caption>
        <thead>
          <tr>
            <th scope="col">true \ pred</th>
            {matrix.map((_, j) => (
              <th key={j} scope="col" className="num">
                {classNames[j] ?? j}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, i) => {
            const total = row.reduce((a, b) => a + b, 0) || 1;
            return (
              <tr key={i}>
                <th scope="row">{classNames[i] ?? i}</th>
                {row.map((n, j) => (
                  <td
                    key={j}
                    className={`num ${i === j ? 'diag' : ''}`}
                    style={{ backgroundColor: `rgb(0 114 178 / ${(0.75 * n) / total})` }}
                  >
                    {n}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
