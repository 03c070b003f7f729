/**
 * One-shot magnitude pruning of a GraphModel: GraphModels are inference-only (no fine-tuning),
 * so the float32 weights that feed a MatMul/Conv op are zeroed directly in the shard bytes and the
 * same model.json is returned with the rewritten shards. Quantized and integer weights are kept
 * as stored. The result is measured by fidelity against the original when data is loaded.
 */
import { BonsaiError } from '../../errors';
import { evaluateFidelity } from '../../metrics/fidelity';
import { sliceRows } from '../../metrics/batches';
import { weightBytes, weightLayout } from '../../metrics/nonzero';
import { graphNodes } from '../../metrics/summary-graph';
import type { LoadedModel } from '../../model/loaded';
import { disposeLoaded, loadPrepared } from '../../model/load';
import { elementCount, type WeightSpec } from '../../model/manifest';
import { basename, dirname } from '../../model/paths';
import type { InputFile } from '../../model/types';
import { prepareModel } from '../../model/validate';
import { checkpoint } from '../../runtime/yield';
import type { LayerReportRow, TechniqueContext, TechniqueData, VariantOutput } from '../types';
import { countZeros, magnitudeKeepMasks } from './masks';
import { DEFAULT_MIN_LAYER_PARAMS, type MagnitudePruneConfig } from './meta';
import { percent, SPARSE_LATENCY_NOTE } from './report';

type GraphInput = Extract<LoadedModel, { format: 'graph' }>;

/** Ops whose input 1 is a weight matrix/filter (the kernels worth pruning). */
const WEIGHT_OPS = new Set([
  'MatMul', '_FusedMatMul', 'BatchMatMul', 'BatchMatMulV2', 'Conv2D', '_FusedConv2D', 'Conv3D',
  'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative', 'Conv2DBackpropInput',
]);

/** Examples the fidelity check runs on: enough for a stable agreement, quick on any backend. */
const FIDELITY_EXAMPLES = 512;

/** Weight names feeding input 1 of a MatMul/Conv op, seen through Identity. */
function kernelNames(modelJson: Record<string, unknown>): Set<string> {
  const nodes = graphNodes(modelJson);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const strip = (s: string) => s.replace(/^\^/, '').replace(/:\d+$/, '');
  const out = new Set<string>();
  for (const node of nodes) {
    if (!WEIGHT_OPS.has(node.op) || !node.input?.[1]) continue;
    let name = strip(node.input[1]);
    for (let depth = 0; depth < 8; depth++) {
      const n = byName.get(name);
      if (!n || n.op !== 'Identity' || !n.input?.[0]) break;
      name = strip(n.input[0]);
    }
    out.add(name);
  }
  return out;
}

export async function pruneGraph(input: GraphInput, cfg: MagnitudePruneConfig, data: TechniqueData, ctx: TechniqueContext): Promise<VariantOutput> {
  if (cfg.schedule === 'gradual') {
    throw new BonsaiError('NOT_TRAINABLE', 'Error in prune: a GraphModel is inference-only, so it cannot be pruned gradually during fine-tuning.',
      "Choose schedule 'one-shot' (weights zeroed directly, measured by fidelity), or load the LayersModel version of this model.");
  }
  const p = input.prepared;
  const specs = (p.artifacts.weightSpecs ?? []) as WeightSpec[];
  const bytes = weightBytes(p.artifacts.weightData as ArrayBuffer | ArrayBuffer[] | undefined);
  const places = weightLayout(specs, bytes);
  const kernels = kernelNames(p.modelJson);
  const perLayer = cfg.perLayer ?? {};
  const skip = new Set(cfg.skip ?? []);
  const unknown = [...Object.keys(perLayer), ...skip].filter((n) => !kernels.has(n));
  if (unknown.length > 0) {
    throw new BonsaiError('BAD_CONFIG', `Error in prune settings: ${unknown.map((n) => `'${n}'`).join(', ')} ${unknown.length > 1 ? 'are not weights' : 'is not a weight'} of a MatMul/Conv op in this graph.`,
      `Prunable weights: ${[...kernels].join(', ') || 'none'}.`);
  }
  const minParams = cfg.minLayerParams ?? DEFAULT_MIN_LAYER_PARAMS;
  const chosen: number[] = [];
  const keptAsStored: string[] = [];
  const leftDense: string[] = [];
  specs.forEach((spec, i) => {
    if (!kernels.has(spec.name)) return;
    if (spec.dtype !== 'float32' || spec.quantization) keptAsStored.push(`${spec.name} (${spec.quantization?.dtype ?? spec.dtype})`);
    else if (skip.has(spec.name)) leftDense.push(`${spec.name} (in the skip list)`);
    else if (elementCount(spec.shape) < minParams && !Object.hasOwn(perLayer, spec.name)) leftDense.push(`${spec.name} (${elementCount(spec.shape)} weights, under the ${minParams} minimum)`);
    else chosen.push(i);
  });
  if (chosen.length === 0) {
    throw new BonsaiError('BAD_CONFIG', 'Error in prune: this GraphModel has no float32 MatMul/Conv weight left to prune.',
      keptAsStored.length > 0 ? 'Its kernels are quantized: prune the float model first, then quantize.' : 'Lower minLayerParams or take weights off the skip list.');
  }

  ctx.progress('masks', 0, 1);
  // Copies: the input model's bytes are never touched.
  const values = chosen.map((i) => new Float32Array(bytes.slice(places[i].offset, places[i].offset + places[i].length).buffer));
  const groups = new Map<string, number[]>();
  chosen.forEach((i, j) => {
    const key = Object.hasOwn(perLayer, specs[i].name) || cfg.scope === 'per-layer' ? specs[i].name : '';
    groups.set(key, [...(groups.get(key) ?? []), j]);
  });
  for (const [key, members] of groups) {
    const sparsity = key !== '' && Object.hasOwn(perLayer, key) ? perLayer[key] : cfg.sparsity;
    const keeps = magnitudeKeepMasks(members.map((j) => values[j]), sparsity);
    members.forEach((j, g) => {
      for (let e = 0; e < keeps[g].length; e++) if (!keeps[g][e]) values[j][e] = 0;
    });
    await checkpoint(ctx.signal);
  }
  const pruned = bytes.slice();
  chosen.forEach((i, j) => pruned.set(new Uint8Array(values[j].buffer), places[i].offset));
  ctx.progress('masks', 1, 1);

  const files = rebuildFiles(input, pruned);
  const rows: LayerReportRow[] = chosen.map((i, j) => {
    const zeros = countZeros(values[j]);
    return { layer: specs[i].name, params: values[j].length, zeros, sparsity: zeros / values[j].length, status: 'pruned' };
  });
  const notes = [SPARSE_LATENCY_NOTE, 'GraphModels are inference-only: pruned one-shot, no fine-tuning.'];
  if (cfg.fineTune) notes.push('The fine-tune settings were not used: a GraphModel cannot be trained.');
  if (leftDense.length > 0) notes.push(`Left dense: ${leftDense.join(', ')}.`);
  if (keptAsStored.length > 0) notes.push(`Kept as stored (not float32): ${keptAsStored.join(', ')}.`);
  const fidelity = await measureFidelity(input, files, data, ctx);
  if (fidelity) notes.push(fidelity);
  return {
    files,
    name: `${percent(cfg.sparsity)} sparse`,
    step: `one-shot magnitude pruning of the graph's weights to ${percent(cfg.sparsity)} (${cfg.scope === 'global' ? 'one global threshold' : 'per weight'}), no fine-tune`,
    perLayer: rows,
    notes,
  };
}

/** The same model.json and shard layout, with the new weight bytes. */
function rebuildFiles(input: GraphInput, weights: Uint8Array): InputFile[] {
  const p = input.prepared;
  const dir = dirname(p.modelJsonPath);
  const relative = (path: string) => (dir !== '' && path.startsWith(dir) ? path.slice(dir.length) : path);
  const files: InputFile[] = [{ path: basename(p.modelJsonPath), bytes: p.modelJsonBytes.slice() }];
  let at = 0;
  for (const shard of p.shards) {
    files.push({ path: relative(shard.path), bytes: weights.slice(at, at + shard.bytes.byteLength) });
    at += shard.bytes.byteLength;
  }
  return files;
}

async function measureFidelity(input: GraphInput, files: InputFile[], data: TechniqueData, ctx: TechniqueContext): Promise<string | null> {
  const split = data.validation ?? data.train;
  if (!split || split.count === 0) return 'No data loaded: fidelity to the original was not measured.';
  ctx.progress('fidelity', 0, 1);
  const pruned = await loadPrepared(prepareModel(files));
  const xs = sliceRows(split.xs, 0, Math.min(split.count, FIDELITY_EXAMPLES));
  try {
    const f = await evaluateFidelity(input, pruned, xs, { signal: ctx.signal });
    ctx.progress('fidelity', 1, 1);
    return `Fidelity to the original on ${f.count} examples: ${percent(f.agreement)} top-1 agreement, mean KL ${f.meanKL.toPrecision(3)} nats.`;
  } finally {
    xs.dispose();
    disposeLoaded(pruned);
  }
}
