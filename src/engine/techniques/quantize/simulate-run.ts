/**
 * The 'simulate' method: a report of what an int8 runtime would score (simulate.ts). It makes no
 * model — the uint8 download is what the 'ptq' method writes.
 */
import type { LoadedModel } from '../../model/loaded';
import type { ReportOutput, TechniqueContext, TechniqueData } from '../types';
import type { SimulateConfig } from './meta';
import { simulateInteger } from './simulate';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export async function runSimulate(input: LoadedModel, config: SimulateConfig, data: TechniqueData, ctx: TechniqueContext): Promise<ReportOutput> {
  const r = await simulateInteger(input, data, {
    calibration: config.calibration,
    percentile: config.percentile,
    calibrationSize: config.calibrationSize,
    signal: ctx.signal,
    progress: (phase, done, total) => ctx.progress(phase, done, total),
  });
  const how = config.calibration === 'percentile' ? `percentile ${config.percentile ?? 99.99}` : config.calibration;
  const headline = r.accuracy !== null && r.floatAccuracy !== null
    ? `int8 runtime accuracy ${pct(r.accuracy)} vs float ${pct(r.floatAccuracy)} (${r.evaluationCount} validation examples).`
    : `int8 runtime agrees with the float model on ${pct(r.agreement)} of ${r.evaluationCount} validation examples (no labels, so fidelity instead of accuracy).`;
  const worst = r.layers.filter((l) => l.sqnrDb !== null).sort((a, b) => a.sqnrDb! - b.sqnrDb!)[0];
  return {
    title: `int8 simulation (${how})`,
    step: `full-integer simulation: int8 weights, uint8 activations calibrated (${how}) on ${r.calibrationCount} training examples`,
    perLayer: r.layers.map((l) => ({ layer: l.layer, min: l.min, max: l.max, sqnrDb: l.sqnrDb })),
    notes: [
      headline,
      `Top-1 agreement with the float model: ${pct(r.agreement)}.`,
      ...(worst ? [`Lowest SQNR: ${worst.layer}, ${worst.sqnrDb!.toFixed(1)} dB (below ~20 dB a layer usually costs accuracy).`] : []),
      'Simulation only: kernels on a per-tensor symmetric int8 grid, every layer output on a uint8 grid of its calibrated range, biases float. No model is made; TF.js itself has no int8 kernels, so this is the accuracy a TFLite-style int8 runtime would give, not a speed-up here.',
    ],
    values: { int8Accuracy: r.accuracy, floatAccuracy: r.floatAccuracy, agreement: r.agreement },
  };
}
