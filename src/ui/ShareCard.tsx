import { useRef, useState } from 'react';
import { CHAT_SAFE_CHARS } from '../share/link';
import { exportExperiment, importExperimentFile } from '../store/experiment-file-actions';
import { selectOpenExperiment, useExperiments } from '../store/experiment-actions';
import { makeShareLink } from '../store/share-actions';
import { selectCurrentModel, useStore } from '../store/store';

/** "Copy link": the open model's experiment in the URL fragment (never sent to a server), with its length. */
export function ShareCard() {
  const model = useStore(selectCurrentModel);
  const experiment = useExperiments(selectOpenExperiment);
  const sha = model?.summary.sha256;
  const holds = !!experiment && !!sha && (experiment.baseSha256 === sha || experiment.variantIds.includes(sha));
  const [result, setResult] = useState<ReturnType<typeof makeShareLink> | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const importInput = (
    <>
      <button type="button" onClick={() => fileRef.current?.click()}>Import experiment file…</button>
      <input
        ref={fileRef}
        type="file"
        accept=".zip,application/zip"
        hidden
        data-testid="import-experiment"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void importExperimentFile(f);
        }}
      />
    </>
  );
  if (!model) return <section className="card" data-testid="share-card">{importInput}</section>;
  const copy = async () => {
    const r = makeShareLink();
    setResult(r);
    setCopied(null);
    if ('url' in r) {
      try {
        await navigator.clipboard.writeText(r.url);
        setCopied('Copied to the clipboard.');
      } catch {
        setCopied('Select the link below and copy it (this browser did not allow clipboard access).');
      }
    }
  };
  return (
    <section className="card" aria-labelledby="share-title" data-testid="share-card">
      <h2 id="share-title">Share</h2>
      <p className="muted">A link to {holds ? <>the experiment “{experiment!.name}”</> : 'this experiment'} — base model, steps, settings and the numbers measured here, no weights. It lives in the part of the URL browsers never send to a server.</p>
      <div className="row wrap-row">
        <button type="button" onClick={() => void copy()}>Copy link</button>
        <button type="button" onClick={() => void exportExperiment().then(setFileProblem)}>Export experiment file</button>
        {importInput}
      </div>
      {fileProblem ? <p className="warning" role="status">{fileProblem}</p> : null}
      {result && 'reason' in result ? <p className="warning" role="status" data-testid="share-problem">{result.reason}</p> : null}
      {result && 'url' in result ? (
        <>
          <input className="share-url" readOnly aria-label="Link to this experiment" data-testid="share-url" value={result.url} onFocus={(e) => e.target.select()} />
          <p className="muted" role="status" data-testid="share-length">
            {result.chars.toLocaleString('en-US')} characters — {result.chars <= CHAT_SAFE_CHARS ? 'short enough for chat apps.' : 'some chat apps cut links this long; an e-mail is safer.'} {copied}
          </p>
        </>
      ) : null}
    </section>
  );
}
