/** What the compaction drops and keeps (pure JSON: no tensors). Stock-loader parity: stock-parity.test.ts. */
import { describe, expect, it } from 'vitest';
import { compactJsonText, shortestNumberText } from './json-text';
import { compactModelJson, modelJsonBytes } from './model-json';
import { compactLayerConfig, compactLayersTopology } from './topology';
import { modelJsonOf, sampleFiles } from './test-utils/stock';

const WITH_WEIGHTS = { hasWeights: true };

describe('compactLayerConfig', () => {
  const CASES: [string, string, Record<string, unknown>, Record<string, unknown>][] = [
    ['conv: defaults go, settings stay', 'Conv2D',
      { filters: 4, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true, kernel_regularizer: null, bias_constraint: null, name: 'c', trainable: true },
      { filters: 4, kernel_size: [3, 3], name: 'c' }],
    ['conv: non-defaults stay', 'Conv2D',
      { filters: 4, kernel_size: [3, 3], strides: [2, 1], padding: 'same', data_format: 'channels_first', dilation_rate: [2, 2], activation: 'relu', use_bias: false, kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } }, name: 'c', trainable: false },
      { filters: 4, kernel_size: [3, 3], strides: [2, 1], padding: 'same', data_format: 'channels_first', dilation_rate: [2, 2], activation: 'relu', use_bias: false, kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } }, name: 'c', trainable: false }],
    ['pooling: strides equal to the pool size go', 'MaxPooling2D', { pool_size: [3, 3], strides: [3, 3], padding: 'valid', name: 'p' }, { pool_size: [3, 3], name: 'p' }],
    ['pooling: strides unlike the pool size stay', 'MaxPooling2D', { pool_size: [2, 2], strides: [1, 1], name: 'p' }, { strides: [1, 1], name: 'p' }],
    ['batch norm', 'BatchNormalization', { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true, gamma_regularizer: null, name: 'bn' }, { name: 'bn' }],
    ['batch norm: a non-default momentum stays', 'BatchNormalization', { axis: 3, momentum: 0.9, name: 'bn' }, { axis: 3, momentum: 0.9, name: 'bn' }],
    ['first layer: float32 dtype goes, the input shape stays', 'Dense', { units: 3, batch_input_shape: [null, 5], dtype: 'float32', name: 'd' }, { units: 3, batch_input_shape: [null, 5], name: 'd' }],
    ['int32 input stays', 'InputLayer', { batch_input_shape: [null, 5], dtype: 'int32', sparse: false, name: 'in' }, { batch_input_shape: [null, 5], dtype: 'int32', name: 'in' }],
    ['dropout', 'Dropout', { rate: 0.3, noise_shape: null, seed: null, name: 'dr', trainable: true }, { rate: 0.3, name: 'dr' }],
    ['unknown class: only the base Layer keys go', 'LSTM', { units: 4, activation: 'linear', recurrent_initializer: { class_name: 'Orthogonal', config: {} }, kernel_regularizer: null, trainable: true, name: 'l' },
      { units: 4, activation: 'linear', recurrent_initializer: { class_name: 'Orthogonal', config: {} }, kernel_regularizer: null, name: 'l' }],
  ];
  for (const [name, cls, config, expected] of CASES) {
    it(name, () => expect(compactLayerConfig(cls, config, WITH_WEIGHTS)).toEqual(expected));
  }

  it('drops initializers only when the file carries weights', () => {
    const config = { units: 3, kernel_initializer: { class_name: 'VarianceScaling', config: { seed: 2 } }, bias_initializer: { class_name: 'Zeros', config: {} }, name: 'd' };
    expect(compactLayerConfig('Dense', config, WITH_WEIGHTS)).toEqual({ units: 3, name: 'd' });
    expect(compactLayerConfig('Dense', config, { hasWeights: false })).toEqual(config);
  });
});

describe('compactLayersTopology', () => {
  it('functional models: empty kwargs close no inbound node; keras_version and backend go', () => {
    const topology = {
      class_name: 'Model', keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js',
      config: {
        name: 'm', input_layers: [['in', 0, 0]], output_layers: [['d', 0, 0]],
        layers: [
          { class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, 2], dtype: 'float32', sparse: false, name: 'in' }, inbound_nodes: [] },
          { class_name: 'Dense', name: 'd', config: { units: 1, use_bias: true, name: 'd', trainable: true }, inbound_nodes: [[['in', 0, 0, {}]]] },
        ],
      },
    };
    expect(compactLayersTopology(topology, WITH_WEIGHTS)).toEqual({
      class_name: 'Model',
      config: {
        name: 'm', input_layers: [['in', 0, 0]], output_layers: [['d', 0, 0]],
        layers: [
          { class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, 2], name: 'in' }, inbound_nodes: [] },
          { class_name: 'Dense', name: 'd', config: { units: 1, name: 'd' }, inbound_nodes: [[['in', 0, 0]]] },
        ],
      },
    });
  });

  it('Keras-converted files: the model inside model_config is compacted, training_config goes', () => {
    const topology = { keras_version: '2.4', backend: 'tensorflow', training_config: { loss: 'mse' }, model_config: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Flatten', config: { name: 'f', trainable: true, data_format: 'channels_last' } }] } } };
    expect(compactLayersTopology(topology, WITH_WEIGHTS)).toEqual({ model_config: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Flatten', config: { name: 'f' } }] } } });
  });
});

describe('compactModelJson', () => {
  it('leaves a GraphDef and the weights manifest as they are; drops null fields and trainingConfig', () => {
    const graph = modelJsonOf(sampleFiles('mlp-graph'));
    const out = compactModelJson({ ...graph, trainingConfig: { loss: 'mse' } });
    expect(out.modelTopology).toEqual(graph.modelTopology);
    expect(out.weightsManifest).toEqual(graph.weightsManifest);
    expect(out).not.toHaveProperty('convertedBy');
    expect(out).not.toHaveProperty('trainingConfig');
  });

  it('is idempotent, and the bytes parse to what was compacted', () => {
    const json = modelJsonOf(sampleFiles('teacher-cnn'));
    const once = JSON.parse(new TextDecoder().decode(modelJsonBytes(json)));
    expect(once).toEqual(compactModelJson(json));
    expect(compactModelJson(once)).toEqual(once);
    expect(new TextDecoder().decode(modelJsonBytes(json, { compact: false }))).toBe(JSON.stringify(json));
  });
});

describe('compact JSON text', () => {
  it('writes each number in its shortest exact form', () => {
    const cases: [number, string][] = [[0.001, '1e-3'], [1e-7, '1e-7'], [1000, '1e3'], [784, '784'], [0.99, '0.99'], [-0.0012345678901234567, '-0.0012345678901234567'], [0.00012345, '1.2345e-4'], [-0, '0']];
    for (const [n, text] of cases) {
      expect(shortestNumberText(n)).toBe(text);
      expect(Object.is(Number(text), n) || n === 0).toBe(true);
    }
  });

  it('parses back to what JSON.stringify would have written', () => {
    const value = { a: [1, 0.5, null, 'x"y', true, undefined], b: { c: 1e21, d: 5e-324, e: Number.NaN, f: undefined }, g: -1.7976931348623157e308 };
    const text = compactJsonText(value);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
    expect(text).not.toMatch(/\s/);
  });
});
