import { useState } from 'react';
import { useStore, selectCurrentModel, selectImportJob } from '../store/store';
import { BenchmarkPanel } from './BenchmarkPanel';
import { ComparePanel } from './ComparePanel';
import { ChartWarmup } from './charts/ChartWarmup';
import { ImportPanel, useWindowDrop } from './DropZone';
import { ErrorList } from './ErrorList';
import { Header } from './Header';
import { JobProgress } from './JobProgress';
import { RecipeTray } from './RecipeTray';
import { ShareCard } from './ShareCard';
import { SharedExperiment } from './SharedExperiment';
import { LibraryPanel } from './LibraryPanel';
import { ExperimentsPanel } from './ExperimentsPanel';
import { ModelCard } from './ModelCard';
import { ModelSummaryView } from './ModelSummaryView';
import { DatasetCard } from './DatasetCard';
import { EvaluatePanel } from './EvaluatePanel';
import { TrainPanel } from './TrainPanel';
import { TechniquePanel } from './techniques/TechniquePanel';
import { techniqueTabs, type TechniqueTab } from './techniques/registry';

export interface ViewTab {
  id: string;
  label: string;
  technique?: TechniqueTab;
}

/** The views: the fixed ones, then one tab per technique in the catalog, then Benchmark. */
export function viewTabs(techniques: TechniqueTab[] = techniqueTabs()): ViewTab[] {
  return [
    { id: 'summary', label: 'Summary' },
    { id: 'evaluate', label: 'Evaluate' },
    { id: 'train', label: 'Train' },
    ...techniques.map((t) => ({ id: t.id, label: t.label, technique: t })),
    { id: 'benchmark', label: 'Benchmark' },
    { id: 'compare', label: 'Compare' },
  ];
}

const TABS = viewTabs();

export function App() {
  const dragging = useWindowDrop();
  const model = useStore(selectCurrentModel);
  const importJob = useStore(selectImportJob);
  const datasetJob = useStore((s) => s.jobs.dataset);
  const [tab, setTab] = useState<string>('summary');
  const technique = TABS.find((t) => t.id === tab)?.technique;
  const busy = !!importJob;

  return (
    <div className="app">
      <Header />
      <ErrorList />
      <main className="layout">
        <aside className="side">
          {importJob ? <JobProgress job={importJob} /> : null}
          <ModelCard busy={busy} />
          {datasetJob ? <JobProgress job={datasetJob} /> : null}
          <DatasetCard busy={!!datasetJob} />
          <ImportPanel busy={busy} dragging={dragging} />
          <ExperimentsPanel busy={busy} />
          <LibraryPanel busy={busy} />
          <RecipeTray />
          <ShareCard />
        </aside>
        <section className="centre">
          <SharedExperiment />
          <div role="tablist" aria-label="Views" className="tabs">
            {TABS.map((t) => (
              <button
                key={t.id}
                role="tab"
                id={`tab-${t.id}`}
                aria-selected={tab === t.id}
                aria-controls={`panel-${t.id}`}
                tabIndex={tab === t.id ? 0 : -1}
                onClick={() => setTab(t.id)}
                onKeyDown={(e) => {
                  const i = TABS.findIndex((x) => x.id === tab);
                  const next =
                    e.key === 'ArrowRight' ? (i + 1) % TABS.length
                    : e.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length
                    : e.key === 'Home' ? 0
                    : e.key === 'End' ? TABS.length - 1
                    : -1;
                  if (next < 0) return;
                  e.preventDefault();
                  setTab(TABS[next].id);
                  // Roving focus (WAI-ARIA tabs): the newly selected tab takes the focus.
                  document.getElementById(`tab-${TABS[next].id}`)?.focus();
                }}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="panel">
            {tab === 'summary' ? (
              model ? (
                <ModelSummaryView model={model} />
              ) : (
                <p className="muted">Open a model to see its layers, size and FLOPs.</p>
              )
            ) : tab === 'evaluate' ? (
              <EvaluatePanel />
            ) : tab === 'train' ? (
              <TrainPanel />
            ) : technique ? (
              <TechniquePanel key={technique.id} tab={technique} />
            ) : tab === 'compare' ? (
              <ComparePanel />
            ) : (
              <BenchmarkPanel />
            )}
          </div>
        </section>
      </main>
      <ChartWarmup />
      {dragging ? (
        <div className="drop-overlay" aria-hidden="true">
          Drop model.json with its .bin files, a folder or a .zip
        </div>
      ) : null}
    </div>
  );
}
