/**
 * Test-only models for structured pruning: tiny, seeded (the same call builds the same weights),
 * with non-trivial biases and BatchNorm statistics so a wrong slice shows up in the outputs.
 */
import * as tfl from '@tensorflow/tfjs-layers';

const kernel = (seed: number) => tfl.initializers.glorotUniform({ seed });
const bias = (seed: number) => tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed });

function batchNorm(name: string, seed: number) {
  return tfl.layers.batchNormalization({
    name,
    gammaInitializer: tfl.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed }),
    betaInitializer: tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: seed + 1 }),
    movingMeanInitializer: tfl.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed: seed + 2 }),
    movingVarianceInitializer: tfl.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: seed + 3 }),
  });
}

/** conv1(4) → BN → ReLU → MaxPool → conv2(5) → Flatten → dense1(6) → out(3, softmax). Input 6×6×2. */
export function sequentialCnn(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ name: 'conv1', inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: kernel(1), biasInitializer: bias(2) }),
      batchNorm('bn1', 10),
      tfl.layers.reLU({ name: 'relu1' }),
      tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
      tfl.layers.conv2d({ name: 'conv2', filters: 5, kernelSize: 2, activation: 'relu', kernelInitializer: kernel(3), biasInitializer: bias(4) }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ name: 'dense1', units: 6, activation: 'relu', kernelInitializer: kernel(5), biasInitializer: bias(6) }),
      tfl.layers.dense({ name: 'out', units: 3, activation: 'softmax', kernelInitializer: kernel(7), biasInitializer: bias(8) }),
    ],
  });
}

/** conv1(4) → BN → depthwise(×2) → BN → ReLU → sep(6, ×2) → BN → GAP → out(3). Input 5×5×3. */
export function depthwiseCnn(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ name: 'conv1', inputShape: [5, 5, 3], filters: 4, kernelSize: 1, kernelInitializer: kernel(11), biasInitializer: bias(12) }),
      batchNorm('bn1', 20),
      tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 2, padding: 'same', depthwiseInitializer: kernel(13), biasInitializer: bias(14) }),
      batchNorm('bn2', 30),
      tfl.layers.activation({ name: 'act', activation: 'relu' }),
      tfl.layers.separableConv2d({
        name: 'sep', filters: 6, kernelSize: 3, depthMultiplier: 2, padding: 'same',
        depthwiseInitializer: kernel(15), pointwiseInitializer: kernel(16), biasInitializer: bias(17),
      }),
      batchNorm('bn3', 40),
      tfl.layers.globalAveragePooling2d({ name: 'gap' }),
      tfl.layers.dense({ name: 'out', units: 3, kernelInitializer: kernel(18), biasInitializer: bias(19) }),
    ],
  });
}

/**
 * Two residual Adds tie convA, convB and convC into one group:
 * x → convA → BN → ReLU ─┬─ convB → BN ─ add1 → ReLU ─┬─ convC ─ add2 → GAP → out(3). Input 5×5×3.
 *                        └──────────────┘             └─────────┘
 */
export function residualCnn(): tfl.LayersModel {
  const x = tfl.input({ shape: [5, 5, 3], name: 'x' });
  const a = tfl.layers.conv2d({ name: 'convA', filters: 4, kernelSize: 1, kernelInitializer: kernel(21), biasInitializer: bias(22) }).apply(x) as tfl.SymbolicTensor;
  const aBn = batchNorm('bnA', 50).apply(a) as tfl.SymbolicTensor;
  const aRelu = tfl.layers.reLU({ name: 'reluA' }).apply(aBn) as tfl.SymbolicTensor;
  const b = tfl.layers.conv2d({ name: 'convB', filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: kernel(23), biasInitializer: bias(24) }).apply(aRelu) as tfl.SymbolicTensor;
  const bBn = batchNorm('bnB', 60).apply(b) as tfl.SymbolicTensor;
  const add1 = tfl.layers.add({ name: 'add1' }).apply([aRelu, bBn]) as tfl.SymbolicTensor;
  const r1 = tfl.layers.reLU({ name: 'relu1' }).apply(add1) as tfl.SymbolicTensor;
  const c = tfl.layers.conv2d({ name: 'convC', filters: 4, kernelSize: 1, kernelInitializer: kernel(25), biasInitializer: bias(26) }).apply(r1) as tfl.SymbolicTensor;
  const add2 = tfl.layers.add({ name: 'add2' }).apply([r1, c]) as tfl.SymbolicTensor;
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(add2) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'out', units: 3, kernelInitializer: kernel(27), biasInitializer: bias(28) }).apply(gap) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: out, name: 'residual' });
}

/** convA(3) and convB(2) on the input → Concatenate → convC(4) → GAP → out(2). Input 4×4×2. */
export function concatCnn(): tfl.LayersModel {
  const x = tfl.input({ shape: [4, 4, 2], name: 'x' });
  const a = tfl.layers.conv2d({ name: 'convA', filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: kernel(31), biasInitializer: bias(32) }).apply(x) as tfl.SymbolicTensor;
  const b = tfl.layers.conv2d({ name: 'convB', filters: 2, kernelSize: 1, activation: 'relu', kernelInitializer: kernel(33), biasInitializer: bias(34) }).apply(x) as tfl.SymbolicTensor;
  const cat = tfl.layers.concatenate({ name: 'cat' }).apply([a, b]) as tfl.SymbolicTensor;
  const c = tfl.layers.conv2d({ name: 'convC', filters: 4, kernelSize: 1, activation: 'relu', kernelInitializer: kernel(35), biasInitializer: bias(36) }).apply(cat) as tfl.SymbolicTensor;
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(c) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'out', units: 2, kernelInitializer: kernel(37), biasInitializer: bias(38) }).apply(gap) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: out, name: 'concat' });
}

/** denseA(6) → denseB(6) → Reshape[2,3] → Flatten → out(3): the Reshape pins denseB. Input 8. */
export function reshapeMlp(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ name: 'denseA', inputShape: [8], units: 6, activation: 'relu', kernelInitializer: kernel(41) }),
      tfl.layers.dense({ name: 'denseB', units: 6, activation: 'relu', kernelInitializer: kernel(42) }),
      tfl.layers.reshape({ name: 'reshape', targetShape: [2, 3] }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ name: 'out', units: 3, activation: 'softmax', kernelInitializer: kernel(43) }),
    ],
  });
}
