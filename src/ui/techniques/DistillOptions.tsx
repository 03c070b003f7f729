import { estimateStudentSize, type DistillConfig, type StudentPreset, type StudentSpec } from '../../engine/techniques/distill/meta';
import { useStore, selectCurrentModel } from '../../store/store';
import { formatBytes, formatCount, formatFlops } from '../format';
import { ModelRefSelect, parseRefKey, refKey } from '../ModelRefSelect';
import { NumberInput, Select } from './fields';
import type { OptionsProps } from './options';

const PRESETS: { value: StudentPreset; label: string }[] = [
  { value: 'tiny-cnn', label: 'Tiny CNN' },
  { value: 'separable-cnn', label: 'Depthwise-separable CNN' },
  { value: 'mlp', label: 'MLP' },
];

function defaultStudent(kind: StudentSpec['kind']): StudentSpec {
  if (kind === 'scaled') return { kind: 'scaled', width: 0.25 };
  if (kind === 'preset') return { kind: 'preset', preset: 'tiny-cnn' };
  return { kind: 'model', ref: { kind: 'sample', sampleId: 'lenet-5' } };
}

/** Teacher, student builder with its live size, and the loss settings. */
export function DistillOptions({ config, onChange }: OptionsProps<DistillConfig>) {
  const model = useStore(selectCurrentModel);
  const set = (patch: Partial<DistillConfig>) => onChange({ ...config, ...patch });
  const teacherSummary = config.teacher.kind === 'input' ? (model?.summary ?? null) : null;
  const inputShape = model?.summary.inputs[0]?.shape.slice(1) ?? [28, 28, 1];
  const outShape = model?.summary.outputs[0]?.shape ?? [];
  const classes = outShape[outShape.length - 1] ?? 10;
  const size = estimateStudentSize(teacherSummary, config.student, { shape: inputShape, classes });
  const s = config.student;
  return (
    <div className="options" data-testid="distill-options">
      <ModelRefSelect
        label="Teacher"
        value={config.teacher.kind === 'input' ? '' : refKey(config.teacher)}
        noneLabel={`The open model${model ? ` (${model.name})` : ''}`}
        onChange={(key) => set({ teacher: parseRefKey(key) ?? { kind: 'input' } })}
      />
      <Select
        label="Student"
        value={s.kind}
        options={[
          { value: 'scaled', label: 'A narrower copy of the teacher' },
          { value: 'preset', label: 'A preset architecture' },
          { value: 'model', label: 'A model from the library or the samples' },
        ]}
        onChange={(kind) => set({ student: defaultStudent(kind) })}
      />
      {s.kind === 'scaled' ? (
        <>
          <NumberInput label="Width (share of filters/units kept)" testId="student-width" value={s.width} min={0.05} max={1} step={0.05} fraction="of the teacher’s filters and units kept" onChange={(width) => set({ student: { ...s, width } })} />
          <label className="field inline">
            <input type="checkbox" checked={!!s.dropRepeated} onChange={(e) => set({ student: { ...s, dropRepeated: e.target.checked } })} />
            <span>Drop repeated blocks</span>
          </label>
        </>
      ) : null}
      {s.kind === 'preset' ? <Select label="Architecture" value={s.preset} options={PRESETS} onChange={(preset) => set({ student: { kind: 'preset', preset } })} /> : null}
      {s.kind === 'model' ? (
        <ModelRefSelect label="Student model" value={refKey(s.ref)} noneLabel="Choose…" onChange={(key) => {
          const ref = parseRefKey(key);
          if (ref) set({ student: { kind: 'model', ref } });
        }} />
      ) : null}
      <p className="muted" data-testid="student-size" aria-live="polite">
        {'unavailable' in size
          ? size.unavailable
          : `Student: ${formatCount(size.params)} parameters${teacherSummary ? ` (${(teacherSummary.params / size.params).toFixed(1)}× fewer than the teacher's ${formatCount(teacherSummary.params)})` : ''}, ${formatFlops(size.flops)} per inference, ${formatBytes(4 * size.params)} as float32${size.exact ? '' : ' (approximate)'}. Its gzip size is measured when it is trained.`}
        {!('unavailable' in size) && teacherSummary && size.params >= teacherSummary.params ? ' Warning: the student is not smaller than the teacher.' : ''}
      </p>
      <NumberInput label="Temperature T" testId="distill-temperature" value={config.temperature} min={1} max={100} step={0.5} onChange={(temperature) => set({ temperature })} />
      <NumberInput label="α (weight of the hard labels)" testId="distill-alpha" value={config.alpha} min={0} max={1} step={0.1} onChange={(alpha) => set({ alpha })} />
      <NumberInput label="Epochs" testId="distill-epochs" value={config.train.epochs} min={1} max={200} onChange={(epochs) => set({ train: { ...config.train, epochs } })} />
      <label className="field inline">
        <input type="checkbox" checked={config.augment} onChange={(e) => set({ augment: e.target.checked })} />
        <span>Augment (seeded ±2 px shifts)</span>
      </label>
      <label className="field inline">
        <input type="checkbox" checked={config.baseline} onChange={(e) => set({ baseline: e.target.checked })} />
        <span>Also train the same student from scratch (baseline)</span>
      </label>
    </div>
  );
}
