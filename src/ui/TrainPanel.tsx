import { Suspense, lazy, useState } from 'react';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../engine/train/meta';
import { trainCurrent } from '../store/data-actions';
import { useStore, selectCurrentDataset, selectCurrentModel, selectCurrentRecord, selectJob } from '../store/store';
import { VariantCard } from './techniques/VariantCard';
import { JobProgress } from './JobProgress';
import { DatasetFitWarning, useDatasetFit } from './DatasetFitWarning';

const TrainingChart = lazy(() => import('./charts/TrainingChart').then((m) => ({ default: m.TrainingChart })));
const selectTrainJob = selectJob('train');

function NumberField({ label, value, onChange, min, max, step }: { label: string; value: number; onChange(v: number): void; min: number; max: number; step?: number }) {
  return (
    <label className="field">
      <span>{label}</span>
      <input type="number" value={value} min={min} max={max} step={step ?? 1} onChange={(e) => onChange(Number(e.target.value))} />
    </label>
  );
}

/** Train or fine-tune the open LayersModel; the result is a new model in the library. */
export function TrainPanel() {
  const model = useStore(selectCurrentModel);
  const record = useStore(selectCurrentRecord);
  const dataset = useStore(selectCurrentDataset);
  const job = useStore(selectTrainJob);
  const [config, setConfig] = useState<TrainConfig>(DEFAULT_TRAIN_CONFIG);
  const set = <K extends keyof TrainConfig>(key: K) => (value: TrainConfig[K]) => setConfig((c) => ({ ...c, [key]: value }));
  const isGraph = model?.format === 'graph';
  const misfit = useDatasetFit();
  const canRun = !!model && !isGraph && !!dataset?.summary.labeled && !job && !misfit;

  return (
    <section aria-labelledby="train-title" data-testid="train-panel">
      <h2 id="train-title">Train / fine-tune</h2>
      <p className="muted">
        Trains a copy of <strong>{model?.name ?? 'the model'}</strong> on the train split of <strong>{dataset?.summary.name ?? 'the dataset'}</strong>, validating
        on its test split after every epoch. The original stays as it is.
      </p>
      {isGraph ? <p className="warning">GraphModels are inference-only in TF.js: open a LayersModel to train.</p> : null}
      {dataset && !dataset.summary.labeled ? <p className="warning">Training needs labels: pick MNIST, a labeled image folder or a CSV.</p> : null}
      <DatasetFitWarning />
      <form
        className="options"
        onSubmit={(e) => {
          e.preventDefault();
          if (canRun) void trainCurrent(config);
        }}
      >
        <NumberField label="Epochs" value={config.epochs} onChange={set('epochs')} min={1} max={200} />
        <NumberField label="Batch size" value={config.batchSize} onChange={set('batchSize')} min={1} max={4096} />
        <NumberField label="Learning rate" value={config.learningRate} onChange={set('learningRate')} min={0} max={10} step={0.0001} />
        <label className="field">
          <span>Optimizer</span>
          <select value={config.optimizer} onChange={(e) => set('optimizer')(e.target.value as TrainConfig['optimizer'])}>
            <option value="adam">Adam</option>
            <option value="sgd">SGD</option>
            <option value="rmsprop">RMSprop</option>
          </select>
        </label>
        <NumberField label="Seed" value={config.seed} onChange={set('seed')} min={0} max={2 ** 31} />
        <button type="submit" className="primary" disabled={!canRun}>
          Train
        </button>
      </form>
      {job ? (
        <>
          <JobProgress job={job} />
          <Suspense fallback={<div className="chart-placeholder">Loading chart…</div>}>
            <TrainingChart points={job.points} />
          </Suspense>
        </>
      ) : null}
      {model?.parent ? (
        <p data-testid="model-parent">
          This model was made from <strong>{model.parent.name}</strong>: {model.parent.step}.
        </p>
      ) : null}
      {model && record?.report && record.steps.some((st) => st.technique === 'train') ? (
        <VariantCard report={record.report} parentName={record.parentName} name={model.name} />
      ) : null}
    </section>
  );
}
