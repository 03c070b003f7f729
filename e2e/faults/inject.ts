/**
 * Fault injection from the test side only: the app has no test backdoor. Two patches, both applied
 * by Playwright to one page:
 *  - the engine worker's script is served with a prelude (page.route) that listens for
 *    `{__fault: …}` messages and arms one fault inside the worker: a crash (an uncaught error in
 *    the worker's global scope, what the browser reports for a dead worker), a silent end (the
 *    worker calls self.close(): no error event, its messages simply stop), an exception inside a
 *    kernel (the registered kernel function throws), a failed allocation (the backend's allocator
 *    throws V8's RangeError), or an IndexedDB fault in the library's next write transaction
 *    (aborted, quota exceeded at commit, or held open forever so the page can be closed mid-save),
 *    or a lost WebGPU device (the device's \`lost\` promise settles, as on a driver reset);
 *  - the page's Worker constructor is wrapped (page.addInitScript) so the test can post those
 *    messages and read the prelude's reports, which never reach the app.
 */
import type { Page } from '@playwright/test';

export type Fault =
  | { kind: 'crash' }
  | { kind: 'close' }
  | { kind: 'kernel'; names: string[] }
  | { kind: 'alloc' }
  | { kind: 'idb'; mode: 'abort' | 'quota' | 'hold' }
  | { kind: 'gpu-lost' };

/** Runs inside the worker, before the engine's own code (serialised with toString). */
function workerPrelude(): void {
  type KernelConfig = { kernelName: string; backendName: string; kernelFunc: () => unknown };
  const g = self as unknown as {
    _tfengine?: { registry: Record<string, Record<string, unknown>> };
    _tfGlobals?: Map<string, Map<string, KernelConfig>>;
  };
  const report = (what: string) => self.postMessage({ type: '__fault', what });
  let idbMode: string | null = null;

  function armKernel(names: string[]): void {
    // Every backend's copy: a benchmark switches backends inside one job.
    const configs = [...(g._tfGlobals?.get('kernelRegistry')?.values() ?? [])].filter((c) => names.includes(c.kernelName));
    const originals = configs.map((c) => c.kernelFunc);
    for (const config of configs) {
      config.kernelFunc = () => {
        configs.forEach((c, i) => (c.kernelFunc = originals[i]));
        report(`fired:kernel:${config.backendName}_${config.kernelName}`);
        throw new Error(`injected fault: kernel ${config.kernelName} failed`);
      };
    }
    report(`armed:kernel:${configs.length}`);
  }

  function armAlloc(): void {
    const backends = Object.values(g._tfengine!.registry);
    const patched: [Record<string, unknown>, string, unknown][] = [];
    for (const backend of backends) {
      for (const m of ['makeOutput', 'makeTensorInfo', 'write']) {
        if (typeof backend[m] !== 'function') continue;
        patched.push([backend, m, backend[m]]);
        backend[m] = () => {
          for (const [b, name, original] of patched) b[name] = original;
          report(`fired:alloc:${m}`);
          throw new RangeError('Array buffer allocation failed');
        };
      }
    }
    report(`armed:alloc:${patched.length}`);
  }

  // WebGPU devices the engine asks for: their \`lost\` promise also settles when the test says the
  // device is lost (as a driver reset would, reason 'unknown'); everything after that is the app's.
  const loseDevice: ((info: { reason: string; message: string }) => void)[] = [];
  const Adapter = (self as unknown as { GPUAdapter?: { prototype: { requestDevice(...a: unknown[]): Promise<object> } } }).GPUAdapter;
  if (Adapter) {
    const requestDevice = Adapter.prototype.requestDevice;
    Adapter.prototype.requestDevice = async function (this: unknown, ...args: unknown[]) {
      const device = await requestDevice.apply(this, args);
      const lost = (device as { lost: Promise<unknown> }).lost;
      Object.defineProperty(device, 'lost', { value: Promise.race([lost, new Promise((resolve) => loseDevice.push(resolve))]) });
      return device;
    };
  }

  // The library's writes: every put of a readwrite transaction; the fault hits when the last one succeeds.
  const put = IDBObjectStore.prototype.put;
  const pending = new WeakMap<IDBTransaction, number>();
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    const request = put.apply(this, args);
    const tx = this.transaction;
    // The library only (not the latency cache's database).
    if (!idbMode || tx.db.name !== 'bonsai') return request;
    pending.set(tx, (pending.get(tx) ?? 0) + 1);
    request.addEventListener('success', () => {
      const left = pending.get(tx)! - 1;
      pending.set(tx, left);
      if (left > 0 || !idbMode) return;
      const mode = idbMode;
      idbMode = null;
      report(`fired:idb:${mode}:${[...tx.objectStoreNames].join(',')}`);
      if (mode === 'hold') {
        // Keep the transaction alive and uncommitted (every write done, none committed) until the page goes.
        const store = tx.objectStore(tx.objectStoreNames[0]);
        const spin = () => (store.count().onsuccess = spin);
        spin();
        return;
      }
      if (mode === 'quota') Object.defineProperty(tx, 'error', { get: () => new DOMException('The quota has been exceeded.', 'QuotaExceededError') });
      tx.abort();
    });
    return request;
  };

  self.addEventListener('message', (e: MessageEvent) => {
    const fault = (e.data as { __fault?: Fault } | null)?.__fault;
    if (!fault) return;
    e.stopImmediatePropagation();
    if (fault.kind === 'crash') {
      report('fired:crash');
      setTimeout(() => {
        throw new Error('injected fault: the engine worker crashed');
      });
    } else if (fault.kind === 'close') {
      report('fired:close');
      // In a later task, so the report above is delivered before the worker goes.
      setTimeout(() => self.close());
    } else if (fault.kind === 'gpu-lost') {
      report(`fired:gpu-lost:${loseDevice.length}`);
      for (const lose of loseDevice) lose({ reason: 'unknown', message: 'injected fault: the GPU was reset' });
    } else if (fault.kind === 'kernel') armKernel(fault.names);
    else if (fault.kind === 'alloc') armAlloc();
    else {
      idbMode = fault.mode;
      report(`armed:idb:${fault.mode}`);
    }
  });
}

/** Wrap Worker so the test can reach the engine worker; its reports are kept off the app. */
function pagePrelude(): void {
  const w = window as unknown as { __faultWorkers: Worker[]; __faultReports: string[] };
  w.__faultWorkers = [];
  w.__faultReports = [];
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      w.__faultWorkers.push(this);
      this.addEventListener('message', (e) => {
        const data = e.data as { type?: string; what?: string } | null;
        if (data?.type !== '__fault') return;
        e.stopImmediatePropagation();
        w.__faultReports.push(data.what!);
      });
    }
  };
}

/** Call before page.goto. */
export async function installFaultHooks(page: Page): Promise<void> {
  await page.route(/\/assets\/engine\.worker-[^/]*\.js$/, async (route) => {
    const response = await route.fetch();
    const body = `(${workerPrelude.toString()})();\n${await response.text()}`;
    await route.fulfill({ response, body });
  });
  await page.addInitScript(pagePrelude);
}

/** Arm a fault in the engine worker that runs now; resolves once the worker says it is armed. */
export async function injectFault(page: Page, fault: Fault): Promise<void> {
  const before = await faultReports(page);
  await page.evaluate((f) => (window as unknown as { __faultWorkers: Worker[] }).__faultWorkers.at(-1)!.postMessage({ __fault: f }), fault);
  if (fault.kind === 'crash' || fault.kind === 'close' || fault.kind === 'gpu-lost') return;
  await page.waitForFunction((n) => (window as unknown as { __faultReports: string[] }).__faultReports.length > n, before.length);
}

export function faultReports(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as unknown as { __faultReports: string[] }).__faultReports]);
}

/** Wait until the armed fault has fired (a report starting with `prefix`). */
export async function waitForFault(page: Page, prefix: string, timeout = 60_000): Promise<void> {
  await page.waitForFunction((p) => (window as unknown as { __faultReports: string[] }).__faultReports.some((r) => r.startsWith(p)), prefix, { timeout });
}
