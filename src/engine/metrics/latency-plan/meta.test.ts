import { describe, expect, it } from 'vitest';
import type { DeviceProfile } from '../../../backend/types';
import { CELL_BUDGET_MS, estimateInferenceMs, planBenchmark, remainingMs, SLOW_CELL_MS } from './meta';

const device = (isFallbackAdapter: boolean): DeviceProfile => ({
  backend: 'wasm',
  requested: 'auto',
  webgpu: { available: true, adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader', isFallbackAdapter } },
  wasm: { simd: true, threads: true, threadCount: 1 },
  crossOriginIsolated: true,
  hardwareConcurrency: 2,
  userAgent: 'test',
});

const lenet = { flops: 0.85e6, samples: 30 };

describe('planBenchmark', () => {
  it('estimates every (backend, batch) cell and adds them up', () => {
    const plan = planBenchmark({ ...lenet, backends: ['wasm', 'cpu'], batchSizes: [1, 32] });
    expect(plan.cells.map((c) => `${c.backend}/${c.batchSize}`)).toEqual(['wasm/1', 'wasm/32', 'cpu/1', 'cpu/32']);
    expect(plan.totalMs).toBeCloseTo(plan.cells.reduce((n, c) => n + c.plannedMs, 0));
    expect(plan.cells.every((c) => c.plannedMs > 0 && c.plannedMs <= c.unbudgetedMs)).toBe(true);
    // Bigger batches and slower backends cost more.
    expect(plan.cells[1].inferenceMs).toBeGreaterThan(plan.cells[0].inferenceMs);
    expect(plan.cells[2].inferenceMs).toBeGreaterThan(plan.cells[0].inferenceMs);
  });

  it('warns about a software WebGPU adapter, and not about a real one', () => {
    const software = planBenchmark({ ...lenet, backends: ['webgpu'], batchSizes: [1], device: device(true) });
    expect(software.warnings.join(' ')).toMatch(/software adapter.*SwiftShader/);
    const real = planBenchmark({ ...lenet, backends: ['webgpu'], batchSizes: [1], device: device(false) });
    expect(real.warnings.join(' ')).not.toMatch(/software adapter/);
    expect(estimateInferenceMs(lenet.flops, 1, 'webgpu', device(true))).toBeGreaterThan(estimateInferenceMs(lenet.flops, 1, 'webgpu', device(false)));
  });

  it('names slow cells and caps each at its budget, saying samples will be fewer', () => {
    const plan = planBenchmark({ flops: 2e9, samples: 30, backends: ['wasm', 'webgpu'], batchSizes: [1, 32], device: device(true) });
    const gpu32 = plan.cells.find((c) => c.backend === 'webgpu' && c.batchSize === 32)!;
    expect(gpu32.overBudget).toBe(true);
    expect(gpu32.unbudgetedMs).toBeGreaterThan(CELL_BUDGET_MS);
    expect(plan.warnings.join(' ')).toMatch(/Slow: .*webgpu · batch 32/);
    expect(plan.warnings.join(' ')).toMatch(/fewer samples/);
    expect(plan.cells.filter((c) => c.plannedMs > SLOW_CELL_MS).length).toBeGreaterThan(0);
  });

  it('says the estimate is rough when FLOPs are unknown', () => {
    expect(planBenchmark({ flops: null, samples: 30, backends: ['wasm'], batchSizes: [1] }).warnings.join(' ')).toMatch(/rough/);
  });
});

describe('remainingMs', () => {
  const plan = planBenchmark({ ...lenet, backends: ['wasm', 'cpu'], batchSizes: [1, 8] }).cells;

  it('is the plan before anything ran, and 0 when everything did', () => {
    expect(remainingMs(plan, [], null)).toBeCloseTo(plan.reduce((n, c) => n + c.plannedMs, 0));
    expect(remainingMs(plan, plan.map((c, index) => ({ index, ms: c.plannedMs * 3 })), null)).toBe(0);
  });

  it('rescales the cells left by how the measured cells compared with their plan', () => {
    const slower = remainingMs(plan, [{ index: 0, ms: plan[0].plannedMs * 4 }], null);
    const asPlanned = remainingMs(plan, [{ index: 0, ms: plan[0].plannedMs }], null);
    expect(slower).toBeGreaterThan(asPlanned);
    // The same backend's measured pace wins over other backends'.
    const wasm1 = plan[1].plannedMs;
    const onlyWasmLeft = remainingMs(plan, [{ index: 0, ms: plan[0].plannedMs * 2 }, { index: 2, ms: plan[2].plannedMs }, { index: 3, ms: plan[3].plannedMs }], null);
    expect(onlyWasmLeft).toBeCloseTo(Math.min(plan[1].unbudgetedMs * 2, CELL_BUDGET_MS), 5);
    expect(wasm1).toBeGreaterThan(0);
  });

  it('never expects a cell to run past its budget, and counts down within the running cell', () => {
    const slowPlan = planBenchmark({ flops: 2e9, samples: 30, backends: ['cpu'], batchSizes: [32] }).cells;
    expect(remainingMs(slowPlan, [], null)).toBeLessThanOrEqual(Math.max(CELL_BUDGET_MS, slowPlan[0].plannedMs));
    const before = remainingMs(plan, [], { index: 0, elapsedMs: 0 });
    const later = remainingMs(plan, [], { index: 0, elapsedMs: plan[0].plannedMs / 2 });
    expect(later).toBeLessThan(before);
  });
});
