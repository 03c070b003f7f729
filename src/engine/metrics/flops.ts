/**
 * FLOPs of a LayersModel at batch 1, from layer configs and shapes (no inference needed).
 *
 * Conventions (the same everywhere in Bonsai, see BENCHMARKS.md):
 * - FLOPs = 2 × multiply-adds (MACs). Only MACs are counted: bias adds, activations, BatchNorm,
 *   pooling, padding and element-wise merges are cheap next to them and are not MACs, so such layers
 *   count 0 (not null). This matches how papers quote "FLOPs"/"MACs" for CNNs.
 * - Dense on a rank > 2 input applies its kernel at every position: 2·in·units per position.
 * - Conv (1D/2D/3D): 2·(kernel elements per output channel)·(output elements), i.e.
 *   2·Kh·Kw·Cin/groups·Cout·Hout·Wout for Conv2D. Conv2DTranspose: 2·Kh·Kw·Cout per *input* element.
 * - DepthwiseConv2D: 2·Kh·Kw per output element. SeparableConv2D: its depthwise part plus a 1×1
 *   pointwise Conv2D.
 * - SimpleRNN/LSTM/GRU: 2·T·(in·gates·units + units·gates·units) — input and recurrent kernels.
 * - A nested model used as a layer counts the sum of its layers.
 * - Any other layer is null ("not counted") and its class is listed in `notCounted`; so is a layer
 *   whose output has a free non-batch dimension (e.g. variable image size).
 */
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** Structural view of a tfjs-layers Layer: only what FLOPs needs (keeps tests and nesting simple). */
interface LayerLike {
  name: string;
  getClassName(): string;
  readonly outputShape: unknown;
  /** tfjs-layers has no inputShape getter: the input shapes live on the inbound nodes. */
  readonly inboundNodes: readonly { inputShapes: unknown }[];
  readonly weights: readonly { shape: number[]; originalName: string }[];
}

/** Layers with no multiply-adds: 0 FLOPs by the convention above. */
const ZERO_MAC_LAYERS = new Set([
  'InputLayer', 'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Masking', 'Embedding',
  'Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
  'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax',
  'BatchNormalization', 'LayerNormalization',
  'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D',
  'AveragePooling3D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate',
  'ZeroPadding2D', 'Cropping2D', 'UpSampling2D',
  'Rescaling', 'CenterCrop', 'Resizing', 'CategoryEncoding', 'RandomWidth', 'RandomHeight',
]);

export interface LayerFlops {
  name: string;
  className: string;
  /** FLOPs at batch 1, or null when this layer is not counted. */
  flops: number | null;
}

export interface LayersModelFlops {
  layers: LayerFlops[];
  /** Sum of the counted layers. */
  flops: number;
  /** Classes of layers that were not counted, sorted. */
  notCounted: string[];
}

function product(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

/** Elements of one sample of a (single) shape: drops the batch dim; null if any other is free. */
function perSample(shape: unknown): number | null {
  if (!Array.isArray(shape) || shape.length === 0) return null;
  const first = shape[0];
  // A multi-output layer (list of shapes) is not one of the MAC layers handled here.
  if (Array.isArray(first)) return null;
  const rest = shape.slice(1) as (number | null)[];
  if (rest.some((d) => d == null || d < 0)) return null;
  return product(rest as number[]);
}

/** The layer's input shape, when it was called on exactly one input shape. */
function inputShapeOf(layer: LayerLike): unknown {
  const shapes = layer.inboundNodes.map((n) => JSON.stringify(n.inputShapes));
  if (shapes.length === 0 || shapes.some((s) => s !== shapes[0])) return null;
  const first = layer.inboundNodes[0].inputShapes;
  // A node stores a list of shapes; a single-input layer has a list of one.
  if (Array.isArray(first) && first.length === 1 && Array.isArray(first[0])) return first[0];
  return first;
}

function weightShape(layer: LayerLike, suffix: string): number[] | null {
  const w = layer.weights.find((v) => v.originalName.split('/').pop() === suffix);
  return w ? w.shape : null;
}

/** Multiply-adds of one layer at batch 1, or null when not counted. */
function layerMacs(layer: LayerLike): number | null {
  const cls = layer.getClassName();
  if (ZERO_MAC_LAYERS.has(cls)) return 0;
  const nested = (layer as unknown as { layers?: LayerLike[] }).layers;
  if (Array.isArray(nested)) {
    let sum = 0;
    for (const inner of nested) {
      const m = layerMacs(inner);
      if (m === null) return null;
      sum += m;
    }
    return sum;
  }
  let outputShape: unknown = null;
  try {
    outputShape = layer.outputShape;
  } catch {
    // Never called, or called on inputs of different shapes: no single output shape.
  }
  const out = perSample(outputShape);
  if (out === null) return null;
  switch (cls) {
    case 'Dense': {
      const k = weightShape(layer, 'kernel');
      return k ? out * k[0] : null;
    }
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D': {
      const k = weightShape(layer, 'kernel');
      return k ? (out * product(k)) / k[k.length - 1] : null;
    }
    case 'Conv2DTranspose':
    case 'Conv3DTranspose': {
      // Kernel is [...kernelSize, filters, inputChannels]: each input element feeds kernelSize·filters outputs.
      const k = weightShape(layer, 'kernel');
      const inElems = perSample(inputShapeOf(layer));
      return k && inElems !== null ? (inElems * product(k)) / k[k.length - 1] : null;
    }
    case 'DepthwiseConv2D': {
      const k = weightShape(layer, 'depthwise_kernel');
      return k ? out * k[0] * k[1] : null;
    }
    case 'SeparableConv2D': {
      const dw = weightShape(layer, 'depthwise_kernel');
      const pw = weightShape(layer, 'pointwise_kernel');
      if (!dw || !pw) return null;
      const cout = pw[3];
      const positions = out / cout;
      return positions * product(dw) + out * pw[2];
    }
    case 'SimpleRNN':
    case 'GRU':
    case 'LSTM': {
      const k = weightShape(layer, 'kernel');
      const rk = weightShape(layer, 'recurrent_kernel');
      const inShape = inputShapeOf(layer);
      const steps = Array.isArray(inShape) && !Array.isArray(inShape[0]) ? (inShape[1] as number | null) : null;
      if (!k || !rk || steps == null || steps < 0) return null;
      // Kernels are [in, gates·units] and [units, gates·units]: gates are 1, 3, 4 for SimpleRNN/GRU/LSTM.
      return steps * (product(k) + product(rk));
    }
    default:
      return null;
  }
}

/** FLOPs (2 × MACs) of one layer at batch 1, or null when not counted. */
export function layerFlops(layer: LayerLike): number | null {
  const macs = layerMacs(layer);
  return macs === null ? null : 2 * macs;
}

export function layersModelFlops(model: LayersModel): LayersModelFlops {
  const layers: LayerFlops[] = model.layers.map((l) => ({
    name: l.name,
    className: l.getClassName(),
    flops: layerFlops(l as unknown as LayerLike),
  }));
  const notCounted = [...new Set(layers.filter((l) => l.flops === null).map((l) => l.className))].sort();
  const flops = layers.reduce((sum, l) => sum + (l.flops ?? 0), 0);
  return { layers, flops, notCounted };
}
