import { gapClosed, gapClosedLabel } from '../../engine/techniques/distill/meta';
import type { VariantRecord } from '../../share/records';
import { useStore } from '../../store/store';
import { formatBytes, formatCount } from '../format';
import { speedLabel } from './VariantCard';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'unknown' : `${(100 * v).toFixed(2)}%`);

/** A distillation's student beside its scratch baseline and its teacher, when the open model is a student. */
export function DistillResult({ record }: { record: VariantRecord }) {
  const all = useStore((s) => s.libraryRecords);
  const inMemory = useStore((s) => s.variantRecords);
  const report = record.report;
  if (!report || report.role !== 'student') return null;
  const baseline = [...Object.values(inMemory), ...all].find((r) => r.runId && r.runId === record.runId && r.report?.role === 'scratch baseline');
  const step = record.steps.find((st) => st.technique === 'distill');
  const teacherIsParent = (step?.config as { teacher?: { kind?: string } } | undefined)?.teacher?.kind === 'input';
  const teacherAcc = teacherIsParent ? report.before.accuracy : null;
  const distilled = report.after.accuracy;
  const scratch = baseline?.report?.after.accuracy ?? null;
  const gap = gapClosed(teacherAcc, distilled, scratch);
  return (
    <div className="variant-card" data-testid="distill-result">
      <h3>Distillation against its baseline</h3>
      <table className="table">
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col" className="num">Teacher</th>
            <th scope="col" className="num">Distilled student</th>
            <th scope="col" className="num">Scratch student</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Accuracy (test split)</th>
            <td className="num">{teacherIsParent ? pct(teacherAcc) : 'see the teacher’s card'}</td>
            <td className="num" data-testid="distilled-accuracy">{pct(distilled)}</td>
            <td className="num" data-testid="scratch-accuracy">{baseline ? pct(scratch) : 'no baseline'}</td>
          </tr>
          <tr>
            <th scope="row">Parameters</th>
            <td className="num">{teacherIsParent ? formatCount(report.before.params) : ''}</td>
            <td className="num">{formatCount(report.after.params)}</td>
            <td className="num">{baseline?.report ? formatCount(baseline.report.after.params) : ''}</td>
          </tr>
          <tr>
            <th scope="row">gzip bytes</th>
            <td className="num">{teacherIsParent ? formatBytes(report.before.gzipBytes) : ''}</td>
            <td className="num">{formatBytes(report.after.gzipBytes)}</td>
            <td className="num">{baseline?.report ? formatBytes(baseline.report.after.gzipBytes) : ''}</td>
          </tr>
        </tbody>
      </table>
      <p data-testid="gap-closed">
        <strong>Gap closed: {gap === null ? 'not measurable here' : gapClosedLabel(gap)}</strong>{' '}
        <span className="muted">
          {gap === null
            ? !baseline
              ? '(no scratch baseline: it needs labels)'
              : !teacherIsParent
                ? '(the teacher was not the open model, so its test accuracy is on its own card)'
                : '(the scratch student already matches the teacher)'
            : '= (distilled − scratch) ÷ (teacher − scratch), test split.'}
        </span>
      </p>
      {teacherIsParent ? (
        <p className="muted">
          Student vs teacher: {(report.before.params / Math.max(1, report.after.params)).toFixed(1)}× fewer parameters
          {report.latency.map((l) => `; ${speedLabel(l.beforeMs, l.afterMs, l.ratioSpread)} at batch ${l.batchSize} on ${l.backend}`).join('')}
          {report.fidelity && !report.fidelity.notMeaningful ? `; agrees with the teacher on ${pct(report.fidelity.agreement)} of ${report.fidelity.inputs}` : ''}.
        </p>
      ) : null}
    </div>
  );
}
