/**
 * Size metrics, as defined in BENCHMARKS.md: float32 baseline = 4 × parameters; stored bytes =
 * model.json + weight files as exported; gzip bytes = gzip -9 of each of those files, summed
 * (what a browser downloads when the server compresses each file).
 */
import { gzipSync } from 'fflate';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { LoadedModel, PreparedModel } from '../model/loaded';
import { elementCount, storedWeights } from './manifest';
import { concatBytes } from '../runtime/bytes';

const FLOAT_DTYPES = new Set(['float32', 'float16', 'complex64']);

/**
 * Parameter count. LayersModel: every weight of every layer, trainable or not (BatchNorm moving
 * statistics included, as Keras's `count_params`). GraphModel: the elements of every floating-point
 * weight in the manifest — integer constants (reshape targets, gather indices) are not parameters.
 * Optimizer state saved alongside a model is never counted.
 */
export function paramsOf(loaded: LoadedModel): number {
  if (loaded.format === 'layers') return layersParams(loaded.model);
  return storedWeights(loaded.prepared)
    .filter((w) => w.group !== 'optimizer' && FLOAT_DTYPES.has(w.dtype))
    .reduce((sum, w) => sum + elementCount(w.shape), 0);
}

export function layersParams(model: LayersModel): number {
  return model.countParams();
}

/** Baseline size of the model's parameters stored as float32. */
export function float32Bytes(params: number): number {
  return 4 * params;
}

function files(prepared: PreparedModel): Uint8Array[] {
  return [prepared.modelJsonBytes, ...prepared.shards.map((s) => s.bytes)];
}

/** model.json bytes plus every weight shard. */
export function storedBytes(prepared: PreparedModel): number {
  return files(prepared).reduce((sum, f) => sum + f.byteLength, 0);
}

/** Size of `bytes` after gzip -9. */
export function gzipSize(bytes: Uint8Array): number {
  // mtime fixed so the output is reproducible; it does not change the size either way.
  return gzipSync(bytes, { level: 9, mtime: 0 }).byteLength;
}

/** Sum of the gzip -9 sizes of model.json and each shard, compressed file by file. */
export function gzipBytes(prepared: PreparedModel): number {
  return files(prepared).reduce((sum, f) => sum + gzipSize(f), 0);
}

/** Hex SHA-256 of model.json bytes followed by the shards in manifest order. */
export async function sha256Hex(prepared: PreparedModel): Promise<string> {
  return sha256OfParts(files(prepared));
}

/** Hex SHA-256 of the concatenation of `parts` (WebCrypto: works in workers and Node ≥ 20). */
export async function sha256OfParts(parts: readonly Uint8Array[]): Promise<string> {
  // WebCrypto has no streaming digest, so the parts are joined into one buffer.
  const joined = concatBytes(parts);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
