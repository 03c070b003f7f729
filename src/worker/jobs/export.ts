import { zipSync } from 'fflate';
import type { ModelId } from '../protocol';
import { getModel } from '../models';

/** The model's files exactly as Bonsai validated and loaded them, zipped for download. */
export function runExport(modelId: ModelId): { fileName: string; bytes: Uint8Array } {
  const { loaded, info } = getModel(modelId);
  const p = loaded.prepared;
  const entries: Record<string, Uint8Array> = { 'model.json': p.modelJsonBytes };
  const base = (path: string) => path.split('/').pop() ?? path;
  for (const shard of p.shards) entries[base(shard.path)] = shard.bytes;
  const safe = info.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return { fileName: `${safe}.zip`, bytes: zipSync(entries, { level: 6 }) };
}
