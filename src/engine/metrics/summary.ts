/**
 * The model card and its table: inputs, outputs, per-layer (LayersModel) or per-op (GraphModel)
 * rows, and the size, parameter and FLOPs totals, all as plain data for the UI.
 */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { LoadedModel } from '../model/loaded';
import type { LayerRow, ModelSummary, TensorInfo } from '../model/types';
import { layersModelFlops, type LayerFlops } from './flops';
import { profileModelFlops, type ProfiledFlops } from './flops-profile';
import { modelInputs, modelOutputs } from './inputs';
import { quantizationDtypes, storedDtypeLabel, storedWeights, type StoredWeight } from './manifest';
import { float32Bytes, gzipBytes, paramsOf, sha256Hex, storedBytes } from './size';
import { graphOpRows, notCountedOpTypes } from './summary-graph';
import { nonZeroParamsOf } from './nonzero';

function shapeList(shape: unknown): number[][] {
  if (!Array.isArray(shape) || shape.length === 0) return [];
  const list = (Array.isArray(shape[0]) ? shape : [shape]) as (number | null)[][];
  return list.map((s) => s.map((d) => (d == null || d < 0 ? -1 : d)));
}

function layerRows(model: LayersModel, weights: StoredWeight[], flops: LayerFlops[]): LayerRow[] {
  const byName = new Map(weights.map((w) => [w.name, w]));
  return model.layers.map((layer, i) => {
    let outputShape: number[][] = [];
    try {
      outputShape = shapeList(layer.outputShape);
    } catch {
      // A layer never called (not in the graph) has no output shape.
    }
    const dtypes = layer.weights.map((v) => {
      const stored = byName.get(v.originalName);
      return stored ? storedDtypeLabel(stored) : v.dtype;
    });
    return {
      name: layer.name,
      type: layer.getClassName(),
      outputShape,
      params: layer.countParams(),
      weightDtypes: [...new Set(dtypes)],
      flops: flops[i].flops,
    };
  });
}

/** Declared outputs, completed with what one batch-1 run returned (graph outputs rarely declare). */
function completeOutputs(declared: TensorInfo[], ran: ProfiledFlops['outputs'], freeBatch: boolean): TensorInfo[] {
  if (ran.length !== declared.length) return declared;
  return declared.map((info, i) => {
    if (info.shape.length > 0 && info.dtype !== 'unknown') return info;
    const shape = [...ran[i].shape];
    if (freeBatch && shape.length > 0 && shape[0] === 1) shape[0] = -1;
    return { name: info.name, shape, dtype: ran[i].dtype };
  });
}

async function graphFlops(loaded: LoadedModel): Promise<ProfiledFlops | { failed: string }> {
  try {
    return await profileModelFlops(loaded);
  } catch (e) {
    // A graph that cannot run on a batch-1 zeros input (free non-batch dims, data-dependent ops)
    // still gets its card: FLOPs are then unknown (null, with this reason), never 0.
    // Aborts cannot happen here (no signal), so nothing the user asked for is swallowed.
    return { failed: `FLOPs not counted: one batch-1 inference on zeros failed (${e instanceof Error ? e.message : String(e)}).` };
  }
}

export async function summarize(loaded: LoadedModel): Promise<ModelSummary> {
  const { prepared } = loaded;
  const weights = storedWeights(prepared);
  const params = paramsOf(loaded);
  const inputs = modelInputs(loaded);
  const sizes = {
    params,
    nonZeroParams: nonZeroParamsOf(loaded),
    float32Bytes: float32Bytes(params),
    storedBytes: storedBytes(prepared),
    gzipBytes: gzipBytes(prepared),
    sha256: await sha256Hex(prepared),
    quantization: quantizationDtypes(prepared),
  };

  if (loaded.format === 'layers') {
    const f = layersModelFlops(loaded.model);
    return {
      format: 'layers',
      className: loaded.model.getClassName(),
      inputs,
      outputs: modelOutputs(loaded),
      layers: layerRows(loaded.model, weights, f.layers),
      flops: f.flops,
      flopsNotCounted: f.notCounted,
      ...sizes,
    };
  }

  const freeBatch = inputs.length > 0 && inputs[0].shape[0] === -1;
  const ran = await graphFlops(loaded);
  const profiled = 'failed' in ran ? null : ran;
  return {
    format: 'graph',
    className: 'GraphModel',
    inputs,
    outputs: completeOutputs(modelOutputs(loaded), profiled?.outputs ?? [], freeBatch),
    layers: graphOpRows(prepared.modelJson, weights, profiled?.counted ?? [], freeBatch),
    flops: profiled ? profiled.flops : null,
    ...('failed' in ran ? { flopsUnknown: ran.failed } : {}),
    flopsNotCounted: notCountedOpTypes(prepared.modelJson, profiled !== null),
    ...sizes,
  };
}
