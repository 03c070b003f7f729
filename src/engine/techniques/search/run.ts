/**
 * A search run: derive the space from the data, measure the reference (the open model) on the
 * validation split and this device, let the strategy propose candidates — each built, checked
 * against the hard constraints, timed on this device, trained on its budget and scored on the
 * validation split, and streamed to the page as it finishes — then retrain the best few with the
 * full budget and return the best of those as the variant (the runner measures it once on the
 * test split). The test split is never seen here.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { DatasetSplit } from '../../data/types';
import { BonsaiError } from '../../errors';
import { evaluateAccuracy } from '../../metrics/accuracy';
import { inferenceRunner, measureLatency } from '../../metrics/latency';
import { spearman } from '../../metrics/rank-correlation';
import { gzipBytes, gzipSize, paramsOf } from '../../metrics/size';
import type { LoadedModel } from '../../model/loaded';
import type { InputFile } from '../../model/types';
import { serializeLayersModel } from '../../model/serialize';
import { throwIfAborted } from '../../runtime/yield';
import { variantOutput, type RunContext, type TechniqueOutput } from '../types';
import { buildModel } from './build';
import { autoPoolSize, openPool, type CandidatePool } from './candidate-pool';
import { buildCut, referenceCuts } from './cut-candidate';
import { archCost, archLayers, type LayerSpec } from './layers';
import { LatencyTable, latencyVsReference, measureModelLatency, memoryCache } from './latency-table';
import { RETRAIN_PHASE, validateSearchConfig, type CandidateRecord, type SearchConfig, type SearchLive, type SearchReference } from './meta';
import { mnasScore } from './pareto';
import { archKey, deriveSpace, describeArch, type Architecture, type SearchSpace } from './space';
import { bestCandidates, runStrategy, type EvalRequest } from './strategy';

const OP = 'search';

async function deviceKey(): Promise<string> {
  const flag = async (name: string) => {
    try {
      return String(await tf.env().getAsync(name));
    } catch {
      return '?';
    }
  };
  const nav = (globalThis as { navigator?: { userAgent?: string; hardwareConcurrency?: number } }).navigator;
  const backend = tf.getBackend();
  const wasm = backend === 'wasm' ? `simd:${await flag('WASM_HAS_SIMD_SUPPORT')}|threads:${await flag('WASM_HAS_MULTITHREAD_SUPPORT')}` : '';
  return `latency-v1|${backend}|${wasm}|${nav?.userAgent ?? '?'}|${nav?.hardwareConcurrency ?? '?'} cores`;
}

export interface Setup {
  cfg: SearchConfig;
  space: SearchSpace;
  dataShape: number[];
  train: DatasetSplit;
  validation: DatasetSplit;
  table: LatencyTable;
  targetMs: number | null;
  /** The reference and its model, when measured: every candidate is then timed interleaved with it. */
  reference: { measured: SearchReference; model: LoadedModel } | null;
  /** Where candidates train; every timing runs with its members paused. */
  pool: CandidatePool;
}

function fitness(s: Setup, valAccuracy: number, latencyMs: number): number {
  return s.cfg.objective.kind === 'score' && s.targetMs !== null ? mnasScore(valAccuracy, latencyMs, s.targetMs, s.cfg.objective.w) : valAccuracy;
}

interface Trained {
  record: CandidateRecord;
  files: InputFile[] | null;
}

/**
 * Build, check, time, train and score one candidate. A candidate that breaks a hard constraint is
 * returned as rejected (with the reason) and is never trained further.
 */
async function evaluateCandidate(s: Setup, ctx: RunContext, req: Omit<EvalRequest, 'phase'> & { phase: 'search' | 'final'; seed: number }, label: string): Promise<Trained> {
  const started = performance.now();
  const arch = req.arch;
  // A fresh architecture has its layer list (cost known before building); a cut of the reference is
  // cut first, and its cost read off the cut model.
  const layers: LayerSpec[] | null = arch.kind === 'cut' ? null : archLayers(arch, s.space);
  const cost = layers ? archCost(layers) : null;
  const base: CandidateRecord = {
    key: req.key, index: req.index, phase: req.phase, rung: req.rung, arch, archKey: archKey(arch),
    description: describeArch(arch, s.space.classes, s.space.cuts?.reference, s.space.cuts?.linearAt), ...(req.mutation ? { mutation: req.mutation, parentIndex: req.parentIndex } : {}),
    status: 'trained', params: cost?.params ?? null, flops: cost?.flops ?? null, gzipBytes: null, latencyMs: null, latencyBatchMs: null, predictedMs: null,
    valAccuracy: null, fitness: null, budget: req.budget, curve: [], seconds: 0,
  };
  const c = s.cfg.constraints;
  const reject = (reason: string): Trained => ({ record: { ...base, status: 'rejected', reason, seconds: (performance.now() - started) / 1000 }, files: null });
  let model: LayersModel | null = null;
  /** A cut's starting weights (the pool member trains from them). */
  let init: InputFile[] | null = null;
  try {
    if (arch.kind === 'cut') {
      if (!s.reference) throw new BonsaiError('INTERNAL', `Error in ${OP}: a cut of the reference was proposed without a reference.`);
      let cut: Awaited<ReturnType<typeof buildCut>>;
      try {
        cut = await buildCut(s.reference.model, arch, ctx.signal);
      } catch (e) {
        // A cut this model does not allow (e.g. a ratio that removes no channel here) is a rejected
        // candidate with the reason, not the end of the search.
        if (e instanceof BonsaiError && e.code === 'BAD_CONFIG') return reject(`not a cut of this model: ${e.message.replace(/^Error in \w+: /, '')}`);
        throw e;
      }
      model = cut.model;
      init = cut.files;
      base.params = cut.params;
      base.flops = cut.flops;
      if (arch.ratio > 0 && !cut.channelsRemoved) {
        // The same model as this cut at ratio 0: training it again would only repeat that result.
        return reject('removes no filter or unit here (no layer with channels is left after the cut): the same model as the cut at 0%');
      }
      if (c.maxParams != null && cut.params > c.maxParams) return reject(`${cut.params.toLocaleString('en-US')} parameters > ${c.maxParams.toLocaleString('en-US')}`);
      if (c.maxFlops != null && cut.flops > c.maxFlops) return reject(`${cut.flops.toLocaleString('en-US')} FLOPs > ${c.maxFlops.toLocaleString('en-US')}`);
    } else {
      model = buildModel(layers!, s.dataShape, req.seed);
    }
    if (c.maxGzipBytes != null) {
      base.gzipBytes = (await serializeLayersModel(model)).reduce((sum, f) => sum + gzipSize(f.bytes), 0);
      if (base.gzipBytes > c.maxGzipBytes) return reject(`${Math.round(base.gzipBytes / 1024)} KB gzip > ${Math.round(c.maxGzipBytes / 1024)} KB`);
    }
    ctx.progress(`${label} · timing on this device`, -1, -1);
    // Latency depends on the architecture, not the weights: measured before training, so a slow
    // one dies cheap — with every pool member paused, so no training overlaps the timing.
    const timed = model;
    await s.pool.exclusive(async () => {
      // The per-layer table covers the fresh architectures' layers; a cut has only its measurement.
      if (layers) base.predictedMs = await s.table.predict(layers, s.dataShape, 1);
      if (s.reference) {
        base.vsReference = await latencyVsReference(s.reference.model, timed, { signal: ctx.signal });
        base.latencyMs = base.vsReference * s.reference.measured.latencyMs;
      } else {
        base.latencyMs = await measureModelLatency(timed, 1, { signal: ctx.signal });
      }
      if (s.cfg.latencyBatch) base.latencyBatchMs = await measureModelLatency(timed, s.cfg.latencyBatch, { signal: ctx.signal });
    });
  } finally {
    model?.dispose();
  }
  if (c.maxLatencyMs != null && base.latencyMs! > c.maxLatencyMs) return reject(`${base.latencyMs!.toFixed(3)} ms > ${c.maxLatencyMs} ms on this device`);
  if (c.maxLatencyVsReference != null && base.vsReference !== undefined && base.vsReference > c.maxLatencyVsReference) {
    return reject(`${base.vsReference.toFixed(2)}× the reference's latency > ${c.maxLatencyVsReference}× (timed interleaved on this device)`);
  }
  const settings = { ...s.cfg.finalTrain, epochs: req.budget.epochs, seed: req.seed };
  const maxBatchesPerEpoch = req.budget.examples >= s.train.count ? undefined : Math.max(1, Math.ceil(req.budget.examples / settings.batchSize));
  const shiftPx = req.phase === 'final' ? s.cfg.finalShiftPx ?? 0 : 0;
  const { curve, files } = await s.pool.train(
    { layers: layers ? [...layers] : [], ...(init ? { init } : {}), dataShape: [...s.dataShape], seed: req.seed, settings, ...(maxBatchesPerEpoch ? { maxBatchesPerEpoch } : {}), ...(shiftPx ? { shiftPx } : {}) },
    { signal: ctx.signal, onProgress: (p) => ctx.progress(`${label} · epoch ${p.epoch}/${p.epochs} · loss ${p.loss.toFixed(4)}`, -1, -1) },
  );
  base.gzipBytes = files.reduce((sum, f) => sum + gzipSize(f.bytes), 0);
  base.curve = curve;
  const val = curve[curve.length - 1]?.valAccuracy ?? null;
  if (val === null || !Number.isFinite(val)) throw new BonsaiError('INTERNAL', `Error in ${OP}: candidate ${req.index + 1} has no validation accuracy.`);
  base.valAccuracy = val;
  base.fitness = fitness(s, val, base.latencyMs!);
  base.seconds = (performance.now() - started) / 1000;
  if (c.maxGzipBytes != null && base.gzipBytes > c.maxGzipBytes) return { record: { ...base, status: 'rejected', reason: `${Math.round(base.gzipBytes / 1024)} KB gzip once trained > ${Math.round(c.maxGzipBytes / 1024)} KB`, fitness: null }, files: null };
  return { record: base, files };
}

async function measureReference(ctx: RunContext, validation: DatasetSplit): Promise<SearchReference> {
  const input = ctx.input;
  ctx.progress('Measuring the reference model on this device', 0, 1);
  // Validation is labeled here (checked by the caller): a failure is a real error, not an unknown accuracy.
  const acc = (await evaluateAccuracy(input, validation, { signal: ctx.signal })).accuracy;
  const runner = inferenceRunner(input, 1, OP);
  try {
    // The first timing in a fresh job runs cold code paths (it read 229 µs where an interleaved
    // run of the same model read 95 µs): a discarded pass first, then the measurement.
    await measureLatency(runner.runOnce, { signal: ctx.signal, samples: 5, allowFewSamples: true });
    const m = await measureLatency(runner.runOnce, { signal: ctx.signal });
    const name = ctx.nameOf?.(input) ?? 'the open model';
    return { name, valAccuracy: acc, latencyMs: m.medianMs, params: paramsOf(input), gzipBytes: gzipBytes(input.prepared) };
  } finally {
    runner.dispose();
  }
}

const ms = (x: number) => `${x < 1 ? (x * 1000).toFixed(0) + ' µs' : x.toFixed(2) + ' ms'}`;
const pct = (x: number | null) => (x === null ? 'unknown' : `${(100 * x).toFixed(2)}%`);

/**
 * A winner less accurate than the open model on validation opens like any result, so the notes say
 * so first, in points, and where the reference still is.
 */
export function belowReference(winnerVal: number | null, reference: Pick<SearchReference, 'name' | 'valAccuracy'> | null): string[] {
  if (!reference || reference.valAccuracy === null || winnerVal === null || winnerVal >= reference.valAccuracy) return [];
  const pts = (100 * (reference.valAccuracy - winnerVal)).toFixed(2);
  return [`Less accurate than ${reference.name}: the winner is ${pts} pt below it on validation, traded for the speed or size above. ${reference.name} is unchanged; reopen it from the Library (or the variant tree) to keep working on it.`];
}

export interface SearchPhase {
  cfg: SearchConfig;
  setup: Setup;
  reference: SearchReference | null;
  objective: string;
  /** The strategy's evaluations, in order (resumed ones included). */
  results: CandidateRecord[];
  /** Every evaluation so far (the final retrains are added by runSearch). */
  all: CandidateRecord[];
  elapsedMs(): number;
  live(item: SearchLive): void;
  /** Where candidates trained, for the notes. The caller disposes `setup.pool`. */
  poolNote: string;
}

/** The search itself, without the final retraining: what F7 compares strategies on. */
export async function runSearchPhase(ctx: RunContext, config: SearchConfig): Promise<SearchPhase> {
  const cfg = validateSearchConfig(config);
  throwIfAborted(ctx.signal);
  const { train, validation } = ctx.data;
  if (!train?.ys || train.count < 1) {
    throw new BonsaiError('NO_TRAINING_DATA', `Error in ${OP}: candidates are trained on labeled data, and there is none.`, 'Load a labeled dataset (MNIST is built in).');
  }
  if (!validation?.ys || validation.count < 1) {
    throw new BonsaiError('NO_TRAINING_DATA', `Error in ${OP}: candidates are chosen on a labeled validation split, and there is none.`, 'Load a labeled dataset with enough examples to carve a validation split.');
  }
  const dataShape = train.xs.shape.slice(1);
  const wantsCuts = (cfg.space.cuts ?? 'off') !== 'off';
  const cuts = wantsCuts && cfg.reference ? referenceCuts(ctx.input, ctx.nameOf?.(ctx.input) ?? 'the open model') : null;
  const space = deriveSpace(dataShape, train.ys.shape[1] as number, cfg.space, cuts);
  const reference = cfg.reference ? await measureReference(ctx, validation) : null;
  const targetMs = cfg.objective.kind === 'score' ? cfg.objective.targetLatencyMs ?? (reference ? reference.latencyMs / 2 : 1) : null;
  const device = await deviceKey();
  const table = new LatencyTable(ctx.cache ?? memoryCache(), device, ctx.signal);
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  const wanted = cfg.workers ?? autoPoolSize(cores);
  const { pool, fallback } = await openPool(wanted, { train, validation }, ctx.spawnPool);
  const poolNote = `Candidates trained ${pool.description}${cfg.workers == null ? ` (workers: auto, ${cores ?? 'unknown'} cores reported)` : ''}${fallback ? `: ${fallback}` : ''}; every latency was timed with all training paused.`;
  const s: Setup = { cfg, space, dataShape, train, validation, table, targetMs, pool, reference: reference ? { measured: reference, model: ctx.input } : null };
  const live = (item: SearchLive) => ctx.live?.(item);
  const objective = cfg.objective.kind === 'score' ? `MnasNet score: accuracy × (latency / ${ms(targetMs!)})^${cfg.objective.w}` : 'validation accuracy';
  const { resume: _resume, ...plain } = cfg;
  live({ kind: 'search-start', config: plain, space, reference, targetLatencyMs: targetMs, objective, seed: cfg.seed, device });

  const resumed = new Map((cfg.resume?.results ?? []).filter((r) => r.phase === 'search').map((r) => [r.key, r]));
  const startedAt = performance.now();
  const elapsedMs = () => (cfg.resume?.elapsedMs ?? 0) + performance.now() - startedAt;
  const total = cfg.budget.candidates ?? Math.round((cfg.budget.minutes ?? 1) * 60);
  const progressDone = (n: number) => Math.min(total, Math.max(n, cfg.budget.minutes !== null ? Math.floor((elapsedMs() / 1000) * (total / (cfg.budget.minutes * 60))) : 0));
  /** Evaluations finished (with a pool, several run at once: the bar counts finished ones). */
  let finished = 0;
  const all: CandidateRecord[] = [];

  let results: CandidateRecord[];
  try {
    results = await runStrategy({
      space, constraints: cfg.constraints, strategy: cfg.strategy, budget: cfg.budget, trainBudget: cfg.searchTrain, trainCount: train.count, maxRungEpochs: cfg.finalTrain.epochs, seed: cfg.seed,
      elapsedMs, signal: ctx.signal, concurrency: pool.size,
      evaluate: async (req) => {
        const prior = resumed.get(req.key);
        if (prior && prior.archKey === archKey(req.arch)) {
          finished++;
          all.push(prior);
          return prior;
        }
        const label = `Candidate ${req.index + 1}${cfg.budget.candidates ? `/${cfg.budget.candidates}` : ''}${req.rung ? ` (rung ${req.rung + 1})` : ''}`;
        const wrapped: RunContext = { ...ctx, progress: (phase) => ctx.progress(phase, progressDone(finished), total + cfg.retrainTop) };
        const t = await evaluateCandidate(s, wrapped, { ...req, seed: cfg.seed }, label);
        finished++;
        all.push(t.record);
        live({ kind: 'search-candidate', candidate: t.record, files: t.files, elapsedMs: elapsedMs() });
        return t.record;
      },
    });
  } catch (e) {
    pool.dispose();
    throw e;
  }

  return { cfg, setup: s, reference, objective, results, all, elapsedMs, live, poolNote };
}

export async function runSearch(ctx: RunContext, config: SearchConfig): Promise<TechniqueOutput> {
  const phase = await runSearchPhase(ctx, config);
  try {
    return await finishSearch(ctx, phase);
  } finally {
    phase.setup.pool.dispose();
  }
}

async function finishSearch(ctx: RunContext, phase: SearchPhase): Promise<TechniqueOutput> {
  const { cfg, setup: s, reference, objective, results, all, elapsedMs, live, poolNote } = phase;
  const { train, validation, table } = s;
  const total = cfg.budget.candidates ?? Math.round((cfg.budget.minutes ?? 1) * 60);
  const top = bestCandidates(results, cfg.retrainTop);
  // Successive halving evaluates a survivor once per rung: candidates are counted once each.
  const proposed = new Set(results.map((r) => r.index)).size;
  if (!top.length) {
    throw new BonsaiError('NO_CANDIDATE', `Error in ${OP}: no candidate met the constraints (${proposed} proposed, all rejected).`, 'Loosen the constraints or widen the search space.');
  }
  // The best few retrain at once when the pool has room; ties go to the better-ranked one.
  let retrained = 0;
  const settled = await Promise.allSettled(top.map(async (c) => {
    throwIfAborted(ctx.signal);
    const label = `${RETRAIN_PHASE} ${top.length} with the full budget`;
    const wrapped: RunContext = { ...ctx, progress: (phase) => ctx.progress(phase, total + retrained, total + top.length) };
    const t = await evaluateCandidate(s, wrapped, {
      key: `final:0:${c.index}`, index: c.index, phase: 'final', rung: 0, arch: c.arch, seed: cfg.seed,
      budget: { epochs: cfg.finalTrain.epochs, examples: train.count },
    }, `${label} (candidate ${c.index + 1})`);
    retrained++;
    all.push(t.record);
    live({ kind: 'search-candidate', candidate: t.record, files: t.files, elapsedMs: elapsedMs() });
    return t;
  }));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  let winner: Trained | null = null;
  for (const r of settled) {
    const t = (r as PromiseFulfilledResult<Trained>).value;
    if (t.record.status === 'trained' && (!winner || (t.record.fitness ?? -Infinity) > (winner.record.fitness ?? -Infinity))) winner = t;
  }
  if (!winner?.files) throw new BonsaiError('NO_CANDIDATE', `Error in ${OP}: none of the retrained candidates met the constraints.`, 'Loosen the constraints (the gzip cap is checked on the trained weights).');

  // How well the per-layer table (and FLOPs) rank candidates the way this device does.
  const timed = all.filter((r) => r.latencyMs !== null && r.predictedMs !== null);
  const predictorRho = spearman(timed.map((r) => r.predictedMs!), timed.map((r) => r.latencyMs!));
  // Timed candidates were built, so their FLOPs are known.
  const flopsRho = spearman(timed.map((r) => r.flops!), timed.map((r) => r.latencyMs!));
  const w = winner.record;
  const notes = [
    `Chosen on the validation split (${validation.count} examples) by ${objective}; ${proposed} candidates proposed by ${cfg.strategy.kind === 'evolution' ? 'regularized evolution' : cfg.strategy.kind === 'halving' ? 'successive halving' : 'random search'} (seed ${cfg.seed}), ${top.length === 1 ? 'the best one' : `the best ${top.length}`} retrained for ${cfg.finalTrain.epochs} epoch${cfg.finalTrain.epochs === 1 ? '' : 's'} on ${train.count.toLocaleString('en-US')} examples${cfg.finalShiftPx && train.xs.rank === 4 ? `, each image shifted by up to ±${cfg.finalShiftPx} px` : ''}.`,
    `Validation accuracy ${pct(w.valAccuracy)} (the reference ${reference ? `${reference.name}: ${pct(reference.valAccuracy)}` : 'was not measured'}); ${ms(w.latencyMs!)} at batch 1 as timed during the search${w.vsReference !== undefined ? ` (${w.vsReference.toFixed(2)}× the reference's latency, every candidate timed interleaved with it)` : ''}. Speed against the open model: the result card's interleaved latency rows.`,
    ...belowReference(w.valAccuracy, reference),
    ...tableNotes(all, timed.length, predictorRho, flopsRho, table.timed),
    poolNote,
  ];
  live({ kind: 'search-end', predictorRho, flopsRho, measured: timed.length, notes });
  const layerRows = await winnerRows(w.arch, s, ctx.signal);
  return variantOutput({
    files: winner.files,
    name: `searched · ${w.params!.toLocaleString('en-US')} params`,
    step: `architecture search (${cfg.strategy.kind}, ${proposed} candidates, seed ${cfg.seed}): ${w.description}`,
    perLayer: layerRows,
    notes,
    history: { epochs: w.curve.map((c) => ({ epoch: c.epoch, loss: c.loss, accuracy: null, ...(c.valAccuracy !== null ? { valAccuracy: c.valAccuracy } : {}), seconds: 0 })), samplesPerSec: 0, stoppedEarly: false },
    role: 'winner',
  });
}

/**
 * What the per-layer latency table did: its rank correlation with measured latency (and FLOPs'),
 * over the fresh architectures it predicted; cuts of the reference are measured, never predicted.
 */
export function tableNotes(all: readonly CandidateRecord[], predicted: number, predictorRho: number | null, flopsRho: number | null, layersTimed: number): string[] {
  const cuts = all.filter((r) => r.arch.kind === 'cut' && r.latencyMs !== null).length;
  if (predicted === 0 && cuts > 0) return [`Latency table: not used — every candidate timed was a cut of the open model (${cuts}), and cuts are measured, not predicted.`];
  const rho = (x: number | null) => (x === null ? 'not defined (fewer than 3 distinct candidates timed)' : x.toFixed(3));
  return [
    `Latency table: Spearman ρ of predicted vs measured latency over ${predicted} timed candidates${cuts > 0 ? ` (fresh architectures; the ${cuts} cuts of the open model were measured, not predicted)` : ''} = ${rho(predictorRho)}; FLOPs vs measured latency = ${rho(flopsRho)}${flopsRho !== null && predictorRho !== null && flopsRho < predictorRho - 0.1 ? ' — FLOPs mislead on this device' : ''}.`,
    `${layersTimed} layer configurations timed in this run; the rest came from this device's cached table.`,
  ];
}

/** The winner's layers for the variant's table: from its layer list, or read off the cut model. */
async function winnerRows(arch: Architecture, s: Setup, signal?: AbortSignal) {
  if (arch.kind !== 'cut') return archLayers(arch, s.space).map((l) => ({ layer: l.name, kind: l.kind, output: `[${l.outShape.join('×')}]`, params: l.params, flops: l.flops }));
  const cut = await buildCut(s.reference!.model, arch, signal);
  cut.model.dispose();
  return cut.rows;
}

export type { Architecture };
