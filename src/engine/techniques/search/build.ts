/**
 * An architecture's layer list (layers.ts) as a TF.js LayersModel with seeded initial weights:
 * the same architecture and seed give the same weights. A functional model, since an inverted
 * residual adds its input back. Variables of a failed build are freed.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerSpec } from './layers';

function makeLayer(l: LayerSpec, seed: number): tfl.layers.Layer {
  const init = (k: number) => tfl.initializers.glorotUniform({ seed: seed * 1000 + k });
  const name = l.name;
  const padding = 'same' as const;
  switch (l.kind) {
    case 'conv2d':
      return tfl.layers.conv2d({ name, filters: l.filters!, kernelSize: l.kernel!, strides: l.strides ?? 1, padding, activation: l.activation, kernelInitializer: init(1) });
    case 'separableConv2d':
      return tfl.layers.separableConv2d({ name, filters: l.filters!, kernelSize: l.kernel!, strides: l.strides ?? 1, padding, activation: l.activation, depthwiseInitializer: init(2), pointwiseInitializer: init(3) });
    case 'depthwiseConv2d':
      return tfl.layers.depthwiseConv2d({ name, kernelSize: l.kernel!, strides: l.strides ?? 1, padding, activation: l.activation, depthwiseInitializer: init(4) });
    case 'maxPooling2d':
      return tfl.layers.maxPooling2d({ name, poolSize: 2, padding });
    case 'globalAveragePooling2d':
      return tfl.layers.globalAveragePooling2d({ name });
    case 'flatten':
      return tfl.layers.flatten({ name });
    case 'dense':
      return tfl.layers.dense({ name, units: l.units!, activation: l.activation, kernelInitializer: init(5) });
    case 'add':
      return tfl.layers.add({ name });
    case 'identity':
      return tfl.layers.activation({ name, activation: 'linear' });
  }
}

/** Build the model; `inputShape` is the per-example shape of the data. The caller disposes it. */
export function buildModel(layers: readonly LayerSpec[], inputShape: readonly number[], seed: number, name = 'candidate'): tfl.LayersModel {
  const before = new Set(Object.keys(tf.engine().registeredVariables));
  try {
    const input = tfl.input({ shape: [...inputShape], name: 'input' });
    const outputs: tfl.SymbolicTensor[] = [];
    layers.forEach((l, i) => {
      const ins = l.inputs.map((j) => (j < 0 ? input : outputs[j]));
      outputs.push(makeLayer(l, seed * 101 + i).apply(ins.length === 1 ? ins[0] : ins) as tfl.SymbolicTensor);
    });
    return tfl.model({ inputs: input, outputs: outputs[outputs.length - 1], name });
  } catch (e) {
    for (const [n, v] of Object.entries(tf.engine().registeredVariables)) if (!before.has(n)) v.dispose();
    throw e;
  }
}

/** One layer alone, fed by inputs of its input shape: what the latency table times. */
export function buildSingleLayer(l: LayerSpec): tfl.LayersModel {
  const single: LayerSpec = { ...l, inputs: l.kind === 'add' ? [-1, -2] : [-1] };
  const inputs = single.inputs.map((_, i) => tfl.input({ shape: [...l.inShape], name: `in${i}` }));
  const layer = makeLayer(single, 0);
  const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tfl.SymbolicTensor;
  return tfl.model({ inputs, outputs: out, name: `single_${l.kind}` });
}
