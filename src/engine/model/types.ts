/** Plain-data model types shared by the engine, the worker protocol and the UI (no tf import). */

export type ModelFormat = 'layers' | 'graph';

/** A file as it reaches the engine: a path relative to the drop (folder or zip) and its bytes. */
export interface InputFile {
  /** Path as dropped: "model.json", "tfjs/group1-shard1of2.bin", "zip:my.zip/model.json". */
  path: string;
  bytes: Uint8Array;
}

/** A model that can be reopened after a reload or an engine restart: a built-in sample or a library entry. */
export type ModelRef = { kind: 'sample'; sampleId: string } | { kind: 'library'; libraryId: string };

export interface TensorInfo {
  name: string;
  /** -1 (or null in TF.js) for a free dimension such as the batch. */
  shape: number[];
  dtype: string;
}

export interface LayerRow {
  name: string;
  /** Keras class name for LayersModels, op name for GraphModels. */
  type: string;
  outputShape: number[][];
  params: number;
  /** Weight dtypes as stored, e.g. "float32" or "uint8 (quantized)". */
  weightDtypes: string[];
  /** FLOPs at batch 1 (2 × multiply-adds); null when this layer/op is not counted. */
  flops: number | null;
}

export interface ModelSummary {
  format: ModelFormat;
  /** keras class of the topology ("Sequential", "Functional"/"Model") or "GraphModel". */
  className: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  layers: LayerRow[];
  params: number;
  /** Parameters that load as something other than exactly 0 (pruning shows here), same weights as `params`. */
  nonZeroParams: number;
  float32Bytes: number;
  storedBytes: number;
  gzipBytes: number;
  /** FLOPs at batch 1 (2 × multiply-adds); null when they could not be counted, with the reason in `flopsUnknown`. */
  flops: number | null;
  flopsUnknown?: string;
  /** Op types present but not counted in `flops` (GraphModels). */
  flopsNotCounted: string[];
  /** hex SHA-256 of model.json bytes followed by the weight bytes in manifest order. */
  sha256: string;
  /** Quantization found in the manifest, e.g. ["uint8"]. */
  quantization: string[];
}
