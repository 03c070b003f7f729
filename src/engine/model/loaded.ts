import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { Warning } from '../errors';
import type { ModelFormat } from './types';

/** A model whose files passed validation: the exact bytes TF.js will be given. */
export interface PreparedModel {
  format: ModelFormat;
  modelJsonPath: string;
  modelJsonBytes: Uint8Array;
  /** Parsed model.json. */
  modelJson: Record<string, unknown>;
  /** Weight shards in manifest order (the order TF.js concatenates them). */
  shards: { path: string; bytes: Uint8Array }[];
  /** What tf.io.fromMemory receives: topology, specs and the concatenated weight bytes. */
  artifacts: tf.io.ModelArtifacts;
  warnings: Warning[];
}

export type LoadedModel =
  | { format: 'layers'; model: LayersModel; prepared: PreparedModel }
  | { format: 'graph'; model: GraphModel; prepared: PreparedModel };
