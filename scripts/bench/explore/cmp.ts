/**
 * Compression exploration on the VALIDATION split only (never the test digits): prune a sample
 * with one config (Adam fine-tune on the 7,001 fine-tune digits), print validation accuracy and the
 * gzip bytes of the exported files, then cluster it at each k and print the same.
 *
 *   npx tsx scripts/bench/explore/cmp.ts '<prune config JSON without fineTune>' epochs lr [seed] [ks] [sample]
 *   e.g. LRS=cosine npx tsx scripts/bench/explore/cmp.ts \
 *          '{"method":"magnitude","sparsity":0.95,"schedule":"gradual","scope":"global"}' 20 0.001 1 4,8
 *
 * Env: LRS=cosine (fine-tune lrSchedule); CFT=<epochs> CLR=<rate> (centroid fine-tune of the
 * clusters); SAVE=<dir> (write the pruned files there and the clustered ones to <dir>-k<k>);
 * LOAD=<dir> (skip pruning, start from files saved earlier).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { useNodeBackend } from '../../node-engine';
import { loadMnistContext, log, pts } from '../engine/common';
import { accuracyOfFiles, baseline, fitData, gzipBytes, prune, quantize } from '../engine/models';

async function main() {
  await useNodeBackend('wasm');
  const { c, dispose } = await loadMnistContext();
  const [cfgJson, epochs, lr, seed = '1', ks = '16', sample = 'lenet-300-100'] = process.argv.slice(2);
  const { base, baseVal } = await baseline(sample, c);
  const cfg = { ...JSON.parse(cfgJson), fineTune: { epochs: Number(epochs), batchSize: 64, learningRate: Number(lr), optimizer: 'adam', seed: Number(seed), ...(process.env.LRS ? { lrSchedule: process.env.LRS } : {}) } };
  const t = performance.now();
  const files = process.env.LOAD ? readdirSync(process.env.LOAD).map((f) => ({ path: f, bytes: new Uint8Array(readFileSync(`${process.env.LOAD}/${f}`)) })) : await prune(base, cfg, fitData(c));
  const val = await accuracyOfFiles(files, c.validation);
  log(`PRUNE ${process.env.LRS ?? ''} ${cfgJson} ep ${epochs} lr ${lr} seed ${seed}: val ${pts(val)}% (base ${pts(baseVal)}%, loss ${((baseVal - val) * 100).toFixed(2)} pt), gzip ${gzipBytes(files)} B, ${((performance.now() - t) / 1000).toFixed(0)} s`);
  if (process.env.SAVE) { mkdirSync(process.env.SAVE, { recursive: true }); for (const f of files) writeFileSync(`${process.env.SAVE}/${f.path}`, f.bytes); }
  for (const k of ks.split(',').filter(Boolean).map(Number)) {
    const q = await quantize(files, { method: 'cluster', k, ...(process.env.CFT ? { fineTune: { epochs: Number(process.env.CFT), batchSize: 64, learningRate: Number(process.env.CLR ?? 1e-4), optimizer: 'adam', seed: Number(seed) } } : {}) }, fitData(c));
    const qv = await accuracyOfFiles(q, c.validation);
    if (process.env.SAVE) { mkdirSync(`${process.env.SAVE}-k${k}`, { recursive: true }); for (const f of q) writeFileSync(`${process.env.SAVE}-k${k}/${f.path}`, f.bytes); }
    log(`  CLUSTER k ${k}: val ${pts(qv)}% (loss ${((baseVal - qv) * 100).toFixed(2)} pt), gzip ${gzipBytes(q)} B`);
  }
  dispose();
}
main().catch((e) => { console.error(e); process.exit(1); });
