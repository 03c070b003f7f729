/** Export the open model's experiment as a file (with its weights), and import one. */
import { getLibraryEntry, readLibraryFiles } from '../library/db';
import { experimentLink, lineageOf } from '../share/experiment';
import { readExperimentFile, writeExperimentFile, type ExperimentModel } from '../share/experiment-file';
import { reportError } from './errors';
import { adoptImportedExperiment, currentScope } from './experiment-actions';
import { refreshLibrary, runJob } from './jobs';
import { useShare, initialReproduce } from './share-actions';
import { selectCurrentDataset, selectCurrentModel, useStore } from './store';

function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The experiment of the open model with every model's files from the library, as one zip. Returns why not, or null. */
export async function exportExperiment(): Promise<string | null> {
  const s = useStore.getState();
  const model = selectCurrentModel(s);
  if (!model) return 'Open a model first.';
  const scope = currentScope();
  const made = experimentLink(model, scope, { dataset: selectCurrentDataset(s)?.summary.name ?? null });
  if ('reason' in made) return made.reason;
  const { rootSha, ordered } = lineageOf(model, scope);
  try {
    const models: ExperimentModel[] = [];
    // The base travels too when it is in the library (a dropped file); a sample the receiver has already.
    const ids = [...(made.link.base.kind === 'sample' ? [] : [rootSha]), ...ordered.map((r) => r.id)];
    for (const id of ids) {
      const [entry, stored] = await Promise.all([getLibraryEntry(id), readLibraryFiles(id)]);
      if (!entry || !stored) return `${ordered.find((r) => r.id === id)?.name ?? 'The base model'} is no longer in the library, so the file would be incomplete.`;
      models.push({ entry, record: ordered.find((r) => r.id === id) ?? null, files: stored.files });
    }
    download(writeExperimentFile(made.link, models), `${made.link.name.replace(/[^\w.-]+/g, '_')}.bonsai-experiment.zip`);
    return null;
  } catch (e) {
    reportError(e);
    return null;
  }
}

/** Import an experiment file: its models land in the library, its experiment opens as a shared one. */
export async function importExperimentFile(file: File): Promise<boolean> {
  let parsed;
  try {
    parsed = readExperimentFile(new Uint8Array(await file.arrayBuffer()));
  } catch (e) {
    reportError(e);
    return false;
  }
  const result = await runJob('import', 'Importing the experiment', { kind: 'import-experiment', models: parsed.models });
  if (result?.kind !== 'import-experiment') return false;
  await refreshLibrary();
  await adoptImportedExperiment(parsed.link.name, parsed.models.flatMap((m) => (m.record ? [m.record] : [])));
  useShare.setState({ shared: parsed.link, reproduce: initialReproduce });
  return true;
}
