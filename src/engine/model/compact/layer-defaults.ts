/**
 * What stock tfjs-layers 4.22 does when a key of a layer's config is absent, for the layer classes
 * Bonsai's samples and techniques write. Each entry was read off the constructor in
 * node_modules/@tensorflow/tfjs-layers/dist (file and class named beside it): the key may go only
 * where the constructor gives the missing key exactly the value that is written. A class not listed
 * here keeps every key but the base Layer's two.
 *
 * Keys are model.json's (snake_case): `convertPythonicToTs` turns them into the constructor's
 * camelCase args, and an absent key reaches the constructor as undefined (null and undefined are
 * treated alike by every `== null` test and by getRegularizer/getConstraint).
 */

/** Is this written value the one the constructor uses when the key is absent? */
export type IsDefault = (value: unknown, config: Record<string, unknown>) => boolean;

const same = (expected: unknown): IsDefault => (value) => JSON.stringify(value) === JSON.stringify(expected);
const isNull: IsDefault = (value) => value === null;
/** `normalizeArray(args.x == null ? 1 : args.x, rank)`: 1, or one 1 per spatial dimension. */
const allOnes: IsDefault = (value) => value === 1 || (Array.isArray(value) && value.length > 0 && value.every((v) => v === 1));

/** engine/topology.js `Layer` constructor: `trainable == null ? true`; dtype falls back to 'float32'. */
const BASE: Record<string, IsDefault> = {
  trainable: same(true),
  // Read only with batch_input_shape (Layer) or by InputLayer (`args.dtype || 'float32'`); no other
  // 4.22 layer reads args.dtype, and weights take 'float32' when addWeight gets no dtype.
  dtype: same('float32'),
};

const nulls = (...keys: string[]): Record<string, IsDefault> => Object.fromEntries(keys.map((k) => [k, isNull]));

/** layers/convolutional.js `BaseConv`: shared by Conv2D, DepthwiseConv2D and SeparableConv2D. */
const BASE_CONV: Record<string, IsDefault> = {
  strides: allOnes,
  padding: same('valid'),
  data_format: same('channels_last'),
  dilation_rate: allOnes,
  activation: same('linear'), // activations.js getActivation(undefined) → linear
  use_bias: same(true),
  ...nulls('bias_regularizer', 'activity_regularizer', 'bias_constraint'),
};

/** layers/pooling.js `Pooling2D`: poolSize defaults to [2, 2]; strides to the pool size. */
const POOLING_2D: Record<string, IsDefault> = {
  pool_size: same([2, 2]),
  strides: (value, config) => JSON.stringify(value) === JSON.stringify(config.pool_size ?? [2, 2]),
  padding: same('valid'),
  data_format: same('channels_last'),
};

/** layers/pooling.js `GlobalPooling2D`. */
const GLOBAL_POOLING_2D: Record<string, IsDefault> = { data_format: same('channels_last') };

export const LAYER_DEFAULTS: Record<string, Record<string, IsDefault>> = {
  // engine/input_layer.js: sparse == null → false; dtype || 'float32'.
  InputLayer: { sparse: same(false), dtype: same('float32') },
  // layers/core.js Dense.
  Dense: {
    activation: same('linear'),
    use_bias: same(true),
    ...nulls('kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'),
  },
  // layers/convolutional.js Conv (Conv2D).
  Conv2D: { ...BASE_CONV, ...nulls('kernel_regularizer', 'kernel_constraint') },
  // layers/convolutional_depthwise.js DepthwiseConv2D: depthMultiplier == null → 1.
  DepthwiseConv2D: { ...BASE_CONV, depth_multiplier: same(1), ...nulls('depthwise_regularizer', 'depthwise_constraint') },
  // layers/convolutional.js SeparableConv: depthMultiplier == null → 1; kernel_* must be absent or null.
  SeparableConv2D: {
    ...BASE_CONV,
    depth_multiplier: same(1),
    ...nulls('kernel_regularizer', 'kernel_constraint', 'depthwise_regularizer', 'pointwise_regularizer', 'depthwise_constraint', 'pointwise_constraint'),
  },
  // layers/normalization.js BatchNormalization.
  BatchNormalization: {
    axis: same(-1),
    momentum: same(0.99),
    epsilon: same(1e-3),
    center: same(true),
    scale: same(true),
    ...nulls('beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint'),
  },
  MaxPooling2D: POOLING_2D,
  AveragePooling2D: POOLING_2D,
  GlobalAveragePooling2D: GLOBAL_POOLING_2D,
  GlobalMaxPooling2D: GLOBAL_POOLING_2D,
  // layers/core.js Flatten: only dataFormat === 'channelsFirst' changes what it computes.
  Flatten: { data_format: same('channels_last') },
  // layers/core.js Dropout: noiseShape and seed are only ever tested with == null.
  Dropout: nulls('noise_shape', 'seed'),
  // layers/core.js Activation: getActivation(undefined) → linear.
  Activation: { activation: same('linear') },
};

/** Layer classes whose `*_initializer` keys are known to be read only through addWeight. */
export const INITIALIZER_SAFE_CLASSES: ReadonlySet<string> = new Set(['Dense', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'BatchNormalization']);

/** The test for one key of one class: the class's own entry, else the base Layer's. */
export function defaultTest(className: string, key: string): IsDefault | undefined {
  if (className === 'InputLayer') return LAYER_DEFAULTS.InputLayer[key];
  return LAYER_DEFAULTS[className]?.[key] ?? BASE[key];
}
