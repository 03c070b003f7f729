import { spawn } from 'node:child_process';

/**
 * R4: injected faults survived — runs the fault-injection e2e spec (e2e/faults.spec.ts) against
 * the built app with Playwright's JSON reporter and counts the faults whose test passed (the
 * operation settled within 5 s with a result or a clear error, nothing half-saved, the model and
 * dataset came back, the app still worked). Also returns the partial library writes the spec
 * found (its `partial-writes` annotations), which count into R3; a storage test that failed before
 * it could check the library counts there as one, not as none.
 */
export async function figureR4({ port = Number(process.env.BENCH_FAULT_PORT ?? 4181) } = {}) {
  const report = await new Promise((resolve, reject) => {
    const child = spawn('node_modules/.bin/playwright', ['test', 'e2e/faults.spec.ts', '--reporter=json'], {
      env: { ...process.env, E2E_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out));
      } catch (e) {
        reject(new Error(`the fault spec wrote no JSON report (${e instanceof Error ? e.message : e})`));
      }
    });
  });
  const tests = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        const last = t.results.at(-1);
        const annotations = last?.annotations?.length ? last.annotations : (t.annotations ?? []);
        // A storage test notes 'not measured' first and the count once it has looked (faults.spec.ts).
        const noted = annotations.filter((a) => a.type === 'partial-writes');
        const measured = noted.filter((a) => /^\d+$/.test(a.description ?? ''));
        const partial = noted.length ? measured.reduce((n, a) => n + Number(a.description), 0) : undefined;
        const unmeasured = noted.length - measured.length;
        tests.push({ fault: spec.title, status: last?.status ?? 'not run', seconds: Math.round((last?.duration ?? 0) / 100) / 10, ...(partial === undefined ? {} : { partialWrites: partial }),
          ...(unmeasured ? { partialWritesUnmeasured: unmeasured } : {}),
          ...(last?.status === 'passed' ? {} : { error: (last?.error?.message ?? '').split('\n')[0].slice(0, 300) }) });
      }
    }
    for (const s of suite.suites ?? []) walk(s);
  };
  for (const s of report.suites ?? []) walk(s);
  if (!tests.length) throw new Error('the fault spec ran no tests');
  const survived = tests.filter((t) => t.status === 'passed').length;
  const percent = Math.round((survived / tests.length) * 1000) / 10;
  return {
    figure: {
      id: 'R4',
      name: 'injected faults survived (worker crash, worker closed silently, kernel exception, failed allocation, WebGPU device lost, hung load, IndexedDB quota/abort/blocked by another tab, page closed mid-save)',
      value: percent,
      unit: '%',
      target: '100',
      anchor: '—',
      pass: survived === tests.length,
      detail: { survived, injected: tests.length, spec: 'e2e/faults.spec.ts', faults: tests },
    },
    // A storage test that failed before it could look counts as one: R3 must not read 0 for "not checked".
    partialWrites: tests.reduce((n, t) => n + (t.partialWrites ?? 0) + (t.partialWritesUnmeasured ?? 0), 0),
  };
}
