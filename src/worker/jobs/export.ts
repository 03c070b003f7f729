import { zipSync } from 'fflate';
import { modelJsonBytes } from '../../engine/model/compact/model-json';
import type { ModelId } from '../protocol';
import { getModel } from '../models';

/**
 * The model's files zipped for download: its weight shards exactly as Bonsai validated and loaded
 * them, and its model.json compact (the same model for stock TF.js, fewer bytes) unless
 * `compact: false` asks for model.json exactly as stored.
 */
export function runExport(modelId: ModelId, opts: { compact?: boolean } = {}): { fileName: string; bytes: Uint8Array } {
  const { loaded, info } = getModel(modelId);
  const p = loaded.prepared;
  const entries: Record<string, Uint8Array> = { 'model.json': opts.compact === false ? p.modelJsonBytes : modelJsonBytes(p.modelJson) };
  const base = (path: string) => path.split('/').pop() ?? path;
  for (const shard of p.shards) entries[base(shard.path)] = shard.bytes;
  const safe = info.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return { fileName: `${safe}.zip`, bytes: zipSync(entries, { level: 6 }) };
}
