/**
 * Planning a benchmark before it runs, and its ETA while it runs. Plain arithmetic, no tf: named
 * meta.ts so the page may import it (src/boundaries.ts) to show the estimate before Run.
 *
 * The first guess of an inference's time comes from the model's FLOPs and a rough throughput per
 * backend; it is only a guess, so every cell also gets a time budget (the protocol then takes
 * fewer samples and says so), and the ETA is rescaled by the cells already measured.
 */
import type { BackendName, DeviceProfile } from '../../../backend/types';

export interface BenchCell {
  backend: BackendName;
  batchSize: number;
}

export interface CellPlan extends BenchCell {
  /** First guess of one inference at this batch size, ms. */
  inferenceMs: number;
  /** The whole cell (cold + warm-up + K calibration + samples) without a budget, ms. */
  unbudgetedMs: number;
  /** What the cell should take with its budget, ms. */
  plannedMs: number;
  /** The budget will cut its samples short. */
  overBudget: boolean;
}

export interface BenchmarkPlan {
  cells: CellPlan[];
  totalMs: number;
  /** Said before Run: a software WebGPU adapter, slow cells, FLOPs unknown. */
  warnings: string[];
}

export interface PlanOptions {
  /** FLOPs of one inference at batch 1 (null when unknown). */
  flops: number | null;
  backends: BackendName[];
  batchSizes: number[];
  samples: number;
  warmupRuns?: number;
  /** Shortest timed sample (ms), as in measureLatency. */
  minSampleMs?: number;
  cellBudgetMs?: number;
  device?: DeviceProfile;
}

/** Each (backend, batch) cell stops taking samples after this long (it keeps at least MIN_BUDGET_SAMPLES). */
export const CELL_BUDGET_MS = 20_000;
/** Fewest samples a cell takes even past its budget: a median of fewer says nothing. */
export const MIN_BUDGET_SAMPLES = 3;
/** A cell expected to take longer than this is named in a warning before Run. */
export const SLOW_CELL_MS = 15_000;
/** When FLOPs cannot be counted, a small CNN is assumed (the estimate says it is rough). */
const UNKNOWN_FLOPS = 5e6;

/**
 * Rough sustained throughput (GFLOP/s) and fixed cost per inference (ms, dispatch + read-back).
 * Deliberately modest: a first guess on a 2-core laptop, replaced by measured cells as they finish.
 */
const SPEED: Record<BackendName | 'webgpu-software', { gflops: number; overheadMs: number }> = {
  wasm: { gflops: 2, overheadMs: 0.05 },
  cpu: { gflops: 0.2, overheadMs: 0.1 },
  webgpu: { gflops: 50, overheadMs: 1 },
  webgl: { gflops: 20, overheadMs: 1 },
  // SwiftShader emulates the GPU on the CPU: ~100× slower than WASM here (DESIGN.md §6).
  'webgpu-software': { gflops: 0.02, overheadMs: 5 },
};

export function isSoftwareWebGpu(device: DeviceProfile | undefined): boolean {
  return device?.webgpu.adapter?.isFallbackAdapter === true;
}

export function estimateInferenceMs(flops: number | null, batchSize: number, backend: BackendName, device?: DeviceProfile): number {
  const speed = SPEED[backend === 'webgpu' && isSoftwareWebGpu(device) ? 'webgpu-software' : backend];
  return speed.overheadMs + ((flops ?? UNKNOWN_FLOPS) * batchSize) / (speed.gflops * 1e6);
}

/** The latency protocol's work for one cell: cold (≈ 3 runs: compile/upload), warm-up, calibration, samples. */
export function cellMs(inferenceMs: number, samples: number, warmupRuns: number, minSampleMs: number): number {
  const sample = Math.max(minSampleMs, inferenceMs);
  return 3 * inferenceMs + warmupRuns * inferenceMs + 2 * sample + samples * sample;
}

/** The least a cell does past its budget: cold, one calibration run and MIN_BUDGET_SAMPLES samples. */
export function minimumCellMs(inferenceMs: number, minSampleMs: number): number {
  return cellMs(inferenceMs, MIN_BUDGET_SAMPLES, 0, minSampleMs);
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 1) return '< 1 s';
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
}

export function planBenchmark(opts: PlanOptions): BenchmarkPlan {
  const warmupRuns = opts.warmupRuns ?? 10;
  const minSampleMs = opts.minSampleMs ?? 2;
  const budget = opts.cellBudgetMs ?? CELL_BUDGET_MS;
  const cells: CellPlan[] = [];
  for (const backend of opts.backends) {
    for (const batchSize of opts.batchSizes) {
      const inferenceMs = estimateInferenceMs(opts.flops, batchSize, backend, opts.device);
      const unbudgetedMs = cellMs(inferenceMs, opts.samples, warmupRuns, minSampleMs);
      const cap = Math.max(budget, minimumCellMs(inferenceMs, minSampleMs));
      cells.push({ backend, batchSize, inferenceMs, unbudgetedMs, plannedMs: Math.min(unbudgetedMs, cap), overBudget: unbudgetedMs > cap });
    }
  }
  const warnings: string[] = [];
  if (opts.backends.includes('webgpu') && isSoftwareWebGpu(opts.device)) {
    const a = opts.device?.webgpu.adapter;
    warnings.push(`WebGPU runs on a software adapter here (${[a?.vendor, a?.description || a?.device].filter(Boolean).join(' ') || 'fallback adapter'}): it emulates the GPU on the CPU, is far slower than WASM, and its times say nothing about a real GPU.`);
  }
  const slow = cells.filter((c) => c.plannedMs > SLOW_CELL_MS);
  if (slow.length > 0) {
    warnings.push(`Slow: ${slow.map((c) => `${c.backend} · batch ${c.batchSize} (≈ ${formatDuration(c.plannedMs)})`).join(', ')}. Untick a backend or use a smaller batch to finish sooner.`);
  }
  const cut = cells.filter((c) => c.overBudget);
  if (cut.length > 0) {
    warnings.push(`${cut.map((c) => `${c.backend} · batch ${c.batchSize}`).join(', ')} would take ≈ ${formatDuration(Math.max(...cut.map((c) => c.unbudgetedMs)))} for ${opts.samples} samples: each cell stops after ${formatDuration(budget)} with fewer samples (stated in its row).`);
  }
  if (opts.flops === null) warnings.push('The model\'s FLOPs could not be counted, so this estimate is rough.');
  return { cells, totalMs: cells.reduce((n, c) => n + c.plannedMs, 0), warnings };
}

/**
 * Time left, from the plan and the cells measured so far: the plan is rescaled by how the measured
 * cells compared with their plan (same backend first, else all), so the ETA converges on the real
 * pace instead of growing; no cell is expected past its budget.
 */
export function remainingMs(
  plan: CellPlan[],
  finished: { index: number; ms: number }[],
  current: { index: number; elapsedMs: number } | null,
  cellBudgetMs = CELL_BUDGET_MS,
  minSampleMs = 2,
): number {
  const done = new Set(finished.map((f) => f.index));
  const ratio = (backend: BackendName | null): number | null => {
    const rows = finished.filter((f) => backend === null || plan[f.index].backend === backend);
    const planned = rows.reduce((n, f) => n + plan[f.index].plannedMs, 0);
    return rows.length > 0 && planned > 0 ? rows.reduce((n, f) => n + f.ms, 0) / planned : null;
  };
  const all = ratio(null) ?? 1;
  let left = 0;
  plan.forEach((cell, i) => {
    if (done.has(i)) return;
    const scale = ratio(cell.backend) ?? all;
    const cap = Math.max(cellBudgetMs, minimumCellMs(cell.inferenceMs * scale, minSampleMs));
    const expected = Math.min(cell.unbudgetedMs * scale, cap);
    left += current?.index === i ? Math.max(0, expected - current.elapsedMs) : expected;
  });
  return left;
}
