/**
 * Auto precision: per layer, the storage (float32 / float16 / uint16 / uint8 / k clusters) that
 * minimises gzip bytes while the loss stays within a budget (accuracy points on the labelled
 * validation split, or top-1 disagreement with the input model on it).
 *
 * 1. Sensitivity: each layer alone at each candidate, measured (a real load and evaluation).
 * 2. Choice: start every layer at float32 (or, when float32 is not a candidate, at its least
 *    harmful candidate), then greedily take the move with the most gzip bytes saved per point of
 *    predicted drop (drops add up; a negative measured drop counts as 0) while the sum fits.
 * 3. Verify: measure the whole configuration; while it is over budget, undo the last move.
 *    When even the starting configuration is over budget, no configuration meets it: BAD_CONFIG
 *    naming the closest configuration and its measured drop.
 */
import { BonsaiError } from '../../errors';
import { evaluateAccuracy } from '../../metrics/accuracy';
import { evaluateFidelity } from '../../metrics/fidelity';
import { gzipSize } from '../../metrics/size';
import type { LoadedModel } from '../../model/loaded';
import { disposeLoaded, loadPrepared } from '../../model/load';
import type { InputFile } from '../../model/types';
import { prepareModel } from '../../model/validate';
import { throwIfAborted } from '../../runtime/yield';
import type { TechniqueContext, TechniqueData, VariantOutput } from '../types';
import { encodeWeightValues, quantizeFiles } from './encode';
import { AUTO_DEFAULT_CANDIDATES, choiceLabel, DEQUANTIZE_ON_LOAD_NOTE, validateQuantizeConfig, type AutoConfig, type WeightChoice } from './meta';
import { decodeFloatWeight, readStoredWeights, type StoredWeightBytes } from './weights';

interface Unit {
  name: string;
  weights: StoredWeightBytes[];
  /** gzip bytes of the unit's weights under each candidate. */
  gzip: number[];
  /** Measured drop (points) with only this unit changed, per candidate. */
  drop: number[];
}

type Measure = (files: InputFile[]) => Promise<number>;

async function makeMeasure(input: LoadedModel, config: AutoConfig, data: TechniqueData, ctx: TechniqueContext): Promise<Measure> {
  const split = data.validation;
  if (!split) {
    throw new BonsaiError('DATASET_UNAVAILABLE', 'Error in auto precision: no validation split was given, so per-layer sensitivity cannot be measured.',
      'Choose a dataset; auto precision measures each layer on its validation split.');
  }
  const opts = { signal: ctx.signal };
  if (config.budget.kind === 'accuracy-drop') {
    if (!split.ys) {
      throw new BonsaiError('UNLABELED_DATA', 'Error in auto precision: an accuracy budget needs labelled validation data.',
        'Use a fidelity-drop budget (agreement with the input model), which needs no labels.');
    }
    const base = (await evaluateAccuracy(input, split, opts)).accuracy;
    return (files) => withModel(files, async (m) => 100 * (base - (await evaluateAccuracy(m, split, opts)).accuracy));
  }
  return (files) => withModel(files, async (m) => 100 * (1 - (await evaluateFidelity(input, m, split.xs, opts)).agreement));
}

async function withModel(files: InputFile[], fn: (m: LoadedModel) => Promise<number>): Promise<number> {
  const loaded = await loadPrepared(prepareModel(files));
  try {
    return await fn(loaded);
  } finally {
    disposeLoaded(loaded);
  }
}

function dedupe(candidates: WeightChoice[]): WeightChoice[] {
  const seen = new Set<string>();
  return candidates.filter((c) => !seen.has(choiceLabel(c)) && !!seen.add(choiceLabel(c)));
}

function unitsOf(input: LoadedModel): Unit[] {
  const byName = new Map<string, StoredWeightBytes[]>();
  for (const w of readStoredWeights(input.prepared)) {
    if (w.spec.dtype !== 'float32' || w.spec.group === 'optimizer') continue;
    if (w.spec.quantization) {
      throw new BonsaiError('BAD_CONFIG', `Error in auto precision: weight "${w.spec.name}" is already stored as ${w.spec.quantization.dtype}; Bonsai does not quantize a quantized weight again.`,
        'Decode it first (quantize with float32), then run auto precision on the decoded variant.');
    }
    const key = w.layer ?? w.spec.name;
    byName.set(key, [...(byName.get(key) ?? []), w]);
  }
  return [...byName].map(([name, weights]) => ({ name, weights, gzip: [], drop: [] }));
}

function unitGzip(unit: Unit, choice: WeightChoice): number {
  const parts = unit.weights.map((w) => (choice === 'float32' ? w.bytes : encodeWeightValues(decodeFloatWeight(w), choice).bytes));
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.byteLength;
  }
  return gzipSize(joined);
}

function filesFor(input: LoadedModel, units: Unit[], candidates: WeightChoice[], choice: number[]): ReturnType<typeof quantizeFiles> {
  const unitOf = new Map<string, number>();
  units.forEach((u, i) => u.weights.forEach((w) => unitOf.set(w.spec.name, i)));
  return quantizeFiles(input.prepared, (name) => {
    const i = unitOf.get(name);
    return i === undefined ? null : candidates[choice[i]];
  });
}

function describe(units: Unit[], candidates: WeightChoice[], choice: number[]): string {
  return units.map((u, i) => `${u.name}: ${choiceLabel(candidates[choice[i]])}`).join(', ');
}

/** Greedy: most gzip bytes saved per predicted point lost, while the predicted sum fits. */
function chooseGreedy(units: Unit[], start: number[], budget: number): { choice: number[]; moves: { unit: number; from: number }[] } {
  const choice = start.slice();
  const drop = (u: number, c: number) => Math.max(0, units[u].drop[c]);
  let total = choice.reduce((s, c, u) => s + drop(u, c), 0);
  const moves: { unit: number; from: number }[] = [];
  for (;;) {
    let best: { unit: number; to: number; cost: number; key: [number, number] } | null = null;
    units.forEach((unit, u) => {
      unit.gzip.forEach((bytes, c) => {
        const gain = unit.gzip[choice[u]] - bytes;
        if (gain <= 0) return;
        const cost = drop(u, c) - drop(u, choice[u]);
        if (total + cost > budget + 1e-9) return;
        const key: [number, number] = cost <= 0 ? [1, gain] : [0, gain / cost];
        if (!best || key[0] > best.key[0] || (key[0] === best.key[0] && key[1] > best.key[1])) best = { unit: u, to: c, cost, key };
      });
    });
    if (!best) return { choice, moves };
    const b: { unit: number; to: number; cost: number } = best;
    moves.push({ unit: b.unit, from: choice[b.unit] });
    choice[b.unit] = b.to;
    total += b.cost;
  }
}

export async function runAuto(input: LoadedModel, config: AutoConfig, data: TechniqueData, ctx: TechniqueContext): Promise<VariantOutput> {
  validateQuantizeConfig(config);
  const budget = config.budget.points;
  const candidates = dedupe(config.candidates ?? AUTO_DEFAULT_CANDIDATES);
  const units = unitsOf(input);
  const measure = await makeMeasure(input, config, data, ctx);
  const fp = candidates.findIndex((c) => c === 'float32');

  const steps = units.length * candidates.length;
  let done = 0;
  for (const [u, unit] of units.entries()) {
    for (const [c, cand] of candidates.entries()) {
      throwIfAborted(ctx.signal);
      unit.gzip[c] = unitGzip(unit, cand);
      unit.drop[c] = c === fp ? 0 : await measure(filesFor(input, [unit], [cand], [0]).files);
      ctx.progress('layer sensitivity', ++done, steps, { series: choiceLabel(cand), x: u, y: unit.drop[c] });
    }
  }

  const start = units.map((unit) =>
    fp >= 0 ? fp : unit.drop.reduce((best, d, c) => (d < unit.drop[best] || (d === unit.drop[best] && unit.gzip[c] < unit.gzip[best]) ? c : best), 0));
  const { choice, moves } = chooseGreedy(units, start, budget);

  // Verify by measuring; undo the last (least efficient) moves while over budget.
  let q = filesFor(input, units, candidates, choice);
  let measured = await measure(q.files);
  let undone = 0;
  while (measured > budget && moves.length > 0) {
    throwIfAborted(ctx.signal);
    const m = moves.pop()!;
    choice[m.unit] = m.from;
    undone++;
    q = filesFor(input, units, candidates, choice);
    measured = await measure(q.files);
    ctx.progress('verify', undone, undone + moves.length);
  }
  const kindLabel = config.budget.kind === 'accuracy-drop' ? 'accuracy' : 'top-1 agreement with the input model';
  if (measured > budget) {
    throw new BonsaiError('BAD_CONFIG',
      `Error in auto precision: no configuration of [${candidates.map(choiceLabel).join(', ')}] keeps the ${kindLabel} loss within ${budget} points. The closest, ${describe(units, candidates, choice)}, loses ${measured.toFixed(2)} points (measured).`,
      fp >= 0 ? 'Raise the budget.' : 'Raise the budget, or add float32 to the candidates so sensitive layers can stay uncompressed.');
  }

  const gzipBefore = units.reduce((s, u) => s + u.gzip[fp >= 0 ? fp : 0], 0);
  const rowsByUnit = units.map((unit, u) => {
    const rows = q.perWeight.filter((r) => unit.weights.some((w) => w.spec.name === r.name));
    return {
      layer: unit.name,
      precision: choiceLabel(candidates[choice[u]]),
      bytesBefore: rows.reduce((s, r) => s + r.bytesBefore, 0),
      bytesAfter: rows.reduce((s, r) => s + r.bytesAfter, 0),
      maxError: rows.reduce((s, r) => Math.max(s, r.maxError), 0),
      gzipBytes: unit.gzip[choice[u]],
      predictedDrop: unit.drop[choice[u]],
    };
  });
  const gzipAfter = rowsByUnit.reduce((s, r) => s + r.gzipBytes, 0);
  return {
    files: q.files,
    name: `auto precision (≤ ${budget} pt)`,
    step: `auto per-layer precision from [${candidates.map(choiceLabel).join(', ')}] within a ${budget}-point ${config.budget.kind} budget`,
    perLayer: rowsByUnit,
    notes: [
      DEQUANTIZE_ON_LOAD_NOTE,
      `Measured ${kindLabel} loss of the chosen configuration: ${measured.toFixed(2)} points (budget ${budget}) on ${data.validation!.count} validation examples; sensitivity measured per layer with the others float32.`,
      ...(fp >= 0 ? [`Weight gzip bytes ${gzipBefore.toLocaleString('en-US')} (float32) → ${gzipAfter.toLocaleString('en-US')}.`] : []),
      ...(undone > 0 ? [`The predicted choice exceeded the budget when measured; ${undone} step${undone === 1 ? ' was' : 's were'} undone.`] : []),
      ...(q.skipped.length > 0 ? [`Left as stored: ${q.skipped.map((s) => s.name).join(', ')}.`] : []),
    ],
  };
}
