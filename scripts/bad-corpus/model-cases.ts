/**
 * Corpus cases about one model's content: shards (truncated, extra, missing, reordered), weight
 * specs (dtypes, shapes, absurd sizes), weight values (NaN/Inf), layers and ops TF.js does not
 * know, and graph edges (cycles, dangling references). Each is a small edit of a tiny valid model.
 */
import {
  DENSE, denseWeightBytes, float32Bytes, functionalModelJson, graphModelJson, jsonFile, modelFiles, sequentialModelJson, SHARD, type Json,
} from '../../src/engine/model/valid-models.fixtures';
import type { ErrorCode } from '../../src/engine/errors';
import type { InputFile } from '../../src/engine/model/types';
import type { CorpusCase, CorpusExpect } from './types';

type Base = 'seq' | 'fn' | 'graph';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- corpus edits poke at arbitrary JSON
type AnyJson = any;
const BASES: Record<Base, () => Json> = { seq: sequentialModelJson, fn: functionalModelJson, graph: graphModelJson };
const copy = (b: Base): AnyJson => JSON.parse(JSON.stringify(BASES[b]()));
const edit = (b: Base, f: (j: AnyJson) => void): AnyJson => {
  const j = copy(b);
  f(j);
  return j;
};
const weightsOf = (j: AnyJson): AnyJson[] => j.weightsManifest[0].weights;
const layersOf = (j: AnyJson): AnyJson[] => j.modelTopology.config.layers;
const nodesOf = (j: AnyJson): AnyJson[] => j.modelTopology.node;
const model = (id: string, description: string, expect: CorpusExpect, files: InputFile[]): CorpusCase =>
  ({ id, kind: 'model', description, expect, files });
const err = (code: ErrorCode): CorpusExpect => ({ code });

/** Weight bytes with one value replaced. */
function withValue(index: number, value: number): Uint8Array {
  const v: number[] = [...DENSE.kernel, ...DENSE.bias];
  v[index] = value;
  return float32Bytes(v);
}

/** The 60 weight bytes in `n` shards of 60/n; the manifest lists them in order. */
function sharded(b: Base, n: number): { json: AnyJson; shards: InputFile[] } {
  const bin = denseWeightBytes();
  const size = 60 / n;
  const names = Array.from({ length: n }, (_, i) => `group1-shard${i + 1}of${n}.bin`);
  const json = edit(b, (j) => { j.weightsManifest[0].paths = names; });
  return { json, shards: names.map((path, i) => ({ path, bytes: bin.slice(i * size, (i + 1) * size) })) };
}

function shardCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  for (const b of ['seq', 'fn', 'graph'] as Base[]) {
    for (const len of [1, 3, 4, 8, 12, 20, 40, 47, 48, 56, 59]) {
      out.push(model(`shard-truncated-${len}-${b}`, `${b}: the .bin cut to ${len} of 60 bytes`, err('SHARD_SIZE_MISMATCH'),
        modelFiles(copy(b), denseWeightBytes().slice(0, len))));
    }
    for (const extra of [1, 3, 4, 8, 60, 1000]) {
      out.push(model(`shard-extra-${extra}-${b}`, `${b}: ${extra} extra bytes after the last weight`, err('SHARD_SIZE_MISMATCH'),
        modelFiles(copy(b), new Uint8Array([...denseWeightBytes(), ...new Uint8Array(extra).fill(7)]))));
    }
    out.push(model(`shard-empty-${b}`, `${b}: a 0-byte .bin`, err('EMPTY_FILE'), modelFiles(copy(b), new Uint8Array(0))));
    const { json, shards } = sharded(b, 6);
    for (let k = 0; k < 6; k++) {
      out.push(model(`shard-missing-${k + 1}of6-${b}`, `${b}: shard ${k + 1} of 6 not selected`, err('MISSING_SHARD'),
        [jsonFile('model.json', json), ...shards.filter((_, i) => i !== k)]));
    }
    out.push(model(`shard-all-missing-${b}`, `${b}: model.json alone, its 6 shards not selected`, err('MISSING_SHARD'), [jsonFile('model.json', json)]));
    out.push(model(`shard-reordered-${b}`, `${b}: the 6 shards given in reverse order: placed in manifest order, loads`, { ok: true },
      [...[...shards].reverse(), jsonFile('model.json', json)]));
    out.push(model(`shard-one-cut-${b}`, `${b}: shard 3 of 6 cut by 2 bytes`, err('SHARD_SIZE_MISMATCH'),
      [jsonFile('model.json', json), ...shards.map((s, i) => (i === 2 ? { path: s.path, bytes: s.bytes.slice(0, 8) } : s))]));
    out.push(model(`shard-duplicated-${b}`, `${b}: shard 2 listed twice in the manifest`, err('SHARD_SIZE_MISMATCH'),
      [jsonFile('model.json', edit(b, (j) => { j.weightsManifest[0].paths = [SHARD, SHARD]; })), { path: SHARD, bytes: denseWeightBytes() }]));
    out.push(model(`shard-html-${b}`, `${b}: the .bin is a saved 404 page`, err('SHARD_IS_HTML'),
      modelFiles(copy(b), new TextEncoder().encode('<!doctype html><html><body>404 Not Found</body></html>\n'.padEnd(60, ' ')))));
    out.push(model(`shard-lfs-${b}`, `${b}: the .bin is a Git LFS pointer`, err('SHARD_IS_LFS_POINTER'),
      modelFiles(copy(b), new TextEncoder().encode('version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 60\n'))));
  }
  return out;
}

const BAD_DTYPES: unknown[] = ['float64', 'int64', 'uint8', 'int8', 'float16', 'bfloat16', 'FLOAT32', 'DT_FLOAT', '', null, 7, ['float32'], { dtype: 'float32' }];
const BAD_QUANT_DTYPES: unknown[] = ['int4', 'int8', 'uint32', 'float8', 'bfloat16', '', null, 8];

function dtypeCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  for (const b of ['seq', 'graph'] as Base[]) {
    BAD_DTYPES.forEach((dtype, i) => {
      for (const w of [0, 1]) {
        out.push(model(`dtype-${i}-w${w}-${b}`, `${b}: weight ${w} has dtype ${JSON.stringify(dtype)}`, err('UNKNOWN_DTYPE'),
          modelFiles(edit(b, (j) => { weightsOf(j)[w].dtype = dtype; }))));
      }
    });
    BAD_QUANT_DTYPES.forEach((dtype, i) => {
      out.push(model(`quant-dtype-${i}-${b}`, `${b}: the kernel quantized as ${JSON.stringify(dtype)}`, err('UNKNOWN_DTYPE'),
        modelFiles(edit(b, (j) => { weightsOf(j)[0].quantization = { dtype, scale: 0.1, min: 0 }; }))));
    });
  }
  const seqSpec = (id: string, description: string, code: CorpusExpect, f: (w: AnyJson[]) => void, bin?: Uint8Array) =>
    out.push(model(id, description, code, modelFiles(edit('seq', (j) => f(weightsOf(j))), bin)));
  seqSpec('dtype-string-for-float', 'the kernel declared as strings (the bytes are floats)', err('SHARD_SIZE_MISMATCH'), (w) => { w[0].dtype = 'string'; });
  seqSpec('dtype-bool-for-float', 'the kernel declared bool (1 byte each)', err('SHARD_SIZE_MISMATCH'), (w) => { w[0].dtype = 'bool'; });
  seqSpec('dtype-int32-for-float', 'the bias declared int32 (same size as float32) for a float32 layer', err('MODEL_LOAD_FAILED'), (w) => { w[1].dtype = 'int32'; });
  seqSpec('dtype-complex64', 'the kernel declared complex64 (8 bytes each)', err('SHARD_SIZE_MISMATCH'), (w) => { w[0].dtype = 'complex64'; });
  seqSpec('quant-no-scale', 'uint8 quantization without scale', err('BAD_WEIGHT_SPEC'), (w) => { w[0].quantization = { dtype: 'uint8', min: 0 }; });
  seqSpec('quant-null-scale', 'uint16 quantization with scale null (NaN in Python)', err('BAD_WEIGHT_SPEC'), (w) => { w[0].quantization = { dtype: 'uint16', scale: null, min: 0 }; });
  seqSpec('quant-string-min', 'uint8 quantization with min "0"', err('BAD_WEIGHT_SPEC'), (w) => { w[0].quantization = { dtype: 'uint8', scale: 1, min: '0' }; });
  seqSpec('quant-float16-int32', 'float16 quantization of an int32 weight', err('BAD_WEIGHT_SPEC'), (w) => { w[1].dtype = 'int32'; w[1].quantization = { dtype: 'float16' }; });
  seqSpec('quant-uint8-bool', 'uint8 quantization of a bool weight', err('BAD_WEIGHT_SPEC'), (w) => { w[1].dtype = 'bool'; w[1].quantization = { dtype: 'uint8', scale: 1, min: 0 }; });
  seqSpec('quant-not-object', 'quantization is a string', err('BAD_WEIGHT_SPEC'), (w) => { w[0].quantization = 'uint8'; });
  seqSpec('weight-group-bad', 'a weight in group "gpu"', err('BAD_WEIGHT_SPEC'), (w) => { w[0].group = 'gpu'; });
  seqSpec('weight-no-name', 'a weight without a name', err('BAD_WEIGHT_SPEC'), (w) => { delete w[0].name; });
  seqSpec('weight-name-number', 'a weight named 7', err('BAD_WEIGHT_SPEC'), (w) => { w[0].name = 7; });
  seqSpec('weight-not-object', 'a weight entry that is a string', err('BAD_WEIGHT_SPEC'), (w) => { w[0] = 'dense/kernel'; });
  seqSpec('weight-listed-twice', 'the kernel listed twice', err('BAD_WEIGHT_SPEC'), (w) => { w[1] = { ...w[0] }; });
  seqSpec('weight-name-digit-junk', 'a weight named "0` " (read as a Keras 3 positional name, TF.js leaked)', err('MODEL_LOAD_FAILED'), (w) => { w[0].name = '0` '; });
  seqSpec('weight-extra', 'a weight no layer has (bytes supplied)', err('MODEL_LOAD_FAILED'), (w) => { w.push({ name: 'dense/extra', shape: [1], dtype: 'float32' }); },
    new Uint8Array([...denseWeightBytes(), 0, 0, 0, 0]));
  seqSpec('weight-missing', 'the bias absent from the manifest (its bytes dropped too)', err('MODEL_LOAD_FAILED'), (w) => { w.pop(); }, denseWeightBytes().slice(0, 48));
  return out;
}

const BAD_SHAPES: [string, unknown, string][] = [
  ['fraction', [4, 2.5], 'BAD_WEIGHT_SPEC'], ['negative', [-4, 3], 'BAD_WEIGHT_SPEC'], ['minus-one', [-1, 3], 'BAD_WEIGHT_SPEC'],
  ['string-dim', ['4', 3], 'BAD_WEIGHT_SPEC'], ['null-dim', [null, 3], 'BAD_WEIGHT_SPEC'], ['null', null, 'BAD_WEIGHT_SPEC'],
  ['string', '4x3', 'BAD_WEIGHT_SPEC'], ['object', { 0: 4, 1: 3 }, 'BAD_WEIGHT_SPEC'], ['nested', [[4, 3]], 'BAD_WEIGHT_SPEC'],
  ['unsafe-int', [2 ** 53, 1], 'BAD_WEIGHT_SPEC'], ['1e300', [1e300], 'BAD_WEIGHT_SPEC'], ['bool-dim', [true, 3], 'BAD_WEIGHT_SPEC'],
  ['1e10', [1e10], 'WEIGHT_TOO_LARGE'], ['1e5x1e5', [100000, 100000], 'WEIGHT_TOO_LARGE'], ['10x1e9', [10, 1e9], 'WEIGHT_TOO_LARGE'],
  ['2^31', [2 ** 31], 'WEIGHT_TOO_LARGE'], ['many-dims', Array.from({ length: 40 }, () => 2), 'WEIGHT_TOO_LARGE'],
];

function shapeCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  for (const b of ['seq', 'graph'] as Base[]) {
    for (const [name, shape, code] of BAD_SHAPES) {
      out.push(model(`shape-${name}-${b}`, `${b}: the kernel's shape is ${JSON.stringify(shape).slice(0, 60)}`, err(code as ErrorCode),
        modelFiles(edit(b, (j) => { weightsOf(j)[0].shape = shape; }))));
    }
  }
  out.push(model('shape-1e10x0-seq', 'seq: the kernel declared [1e10, 0] (no elements): not the layer\'s shape', err('WEIGHT_SHAPE_MISMATCH'),
    modelFiles(edit('seq', (j) => { weightsOf(j)[0].shape = [1e10, 0]; }))));
  out.push(model('shape-1e10x0-graph', 'graph: W declared [1e10, 0] (no elements): its Const node says [4, 3]', err('WEIGHT_SHAPE_MISMATCH'),
    modelFiles(edit('graph', (j) => { weightsOf(j)[0].shape = [1e10, 0]; }))));
  // Same byte count, other shape: only the layers can tell.
  for (const [name, shape] of [['3x4', [3, 4]], ['12', [12]], ['4x3x1', [4, 3, 1]], ['2x6', [2, 6]], ['scalar-bias', []]] as [string, number[]][]) {
    const w = name === 'scalar-bias' ? 1 : 0;
    const bin = name === 'scalar-bias' ? denseWeightBytes().slice(0, 52) : undefined;
    out.push(model(`shape-vs-layer-${name}`, `seq: weight ${w} declared ${JSON.stringify(shape)}, its layer holds another shape`, err('WEIGHT_SHAPE_MISMATCH'),
      modelFiles(edit('seq', (j) => { weightsOf(j)[w].shape = shape; }), bin)));
  }
  for (const [name, shape] of [['3x4', [3, 4]], ['12', [12]]] as [string, number[]][]) {
    out.push(model(`shape-vs-const-${name}-graph`, `graph: W declared ${JSON.stringify(shape)} in the manifest, [4, 3] in its Const node`, err('WEIGHT_SHAPE_MISMATCH'),
      modelFiles(edit('graph', (j) => { weightsOf(j)[0].shape = shape; }))));
  }
  // Absurd sizes in the topology rather than the manifest.
  const layer = (f: (c: AnyJson) => void) => edit('seq', (j) => f(layersOf(j)[0].config));
  out.push(model('topology-units-1e10', 'a Dense layer with 10^10 units', err('WEIGHT_TOO_LARGE'), modelFiles(layer((c) => { c.units = 1e10; }))));
  out.push(model('topology-input-1e10', 'an input of 10^10 features', err('WEIGHT_TOO_LARGE'), modelFiles(layer((c) => { c.batch_input_shape = [null, 1e10]; }))));
  out.push(model('topology-units-1e5-input-1e5', 'a Dense 10^5 → 10^5 (10^10 weights)', err('WEIGHT_TOO_LARGE'),
    modelFiles(layer((c) => { c.units = 100000; c.batch_input_shape = [null, 100000]; }))));
  out.push(model('topology-units-3e4-input-3e4', 'a Dense 30,000 → 30,000 (9 × 10^8 weights, 3.6 GB)', err('WEIGHT_TOO_LARGE'),
    modelFiles(layer((c) => { c.units = 30000; c.batch_input_shape = [null, 30000]; }))));
  out.push(model('topology-constraint-not-a-constraint', 'a bias_constraint that is an initializer (TF.js threw while writing weights, and leaked)', err('MODEL_LOAD_FAILED'),
    modelFiles(layer((c) => { c.bias_constraint = { class_name: 'Zeros', config: {} }; }))));
  out.push(model('topology-units-negative', 'a Dense layer with -3 units', err('MODEL_LOAD_FAILED'), modelFiles(layer((c) => { c.units = -3; }))));
  return out;
}

function valueCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  const values: [string, number, 'NAN_WEIGHTS' | 'INF_WEIGHTS'][] = [['nan', NaN, 'NAN_WEIGHTS'], ['inf', Infinity, 'INF_WEIGHTS'], ['neg-inf', -Infinity, 'INF_WEIGHTS']];
  for (const b of ['seq', 'fn', 'graph'] as Base[]) {
    for (const [name, v, warning] of values) {
      for (const at of [0, 5, 11, 12, 14]) {
        out.push(model(`value-${name}-at-${at}-${b}`, `${b}: ${name} at weight value ${at}: warns, still loads`, { warning }, modelFiles(copy(b), withValue(at, v))));
      }
    }
  }
  const allNan = float32Bytes(new Array<number>(15).fill(NaN));
  out.push(model('value-all-nan', 'every weight NaN: warns, still loads', { warning: 'NAN_WEIGHTS' }, modelFiles(copy('seq'), allNan)));
  return out;
}

const UNKNOWN_LAYERS = ['FancyAttention', 'MultiHeadAttention', 'TFOpLambda', 'Lambda', 'KerasLayer', 'Custom>MyDense', 'dense', 'DENSE',
  '', 'toString', 'hasOwnProperty', 'Object', 'keras.layers.Dense', 'Dense ', 'TransformerBlock'];
const UNKNOWN_OPS = ['FancyCustomOp', 'MatMulV9', 'matmul', 'PyFunc', 'EagerPyFunc', 'ReadFile', 'WriteFile', 'toString', 'hasOwnProperty',
  'constructor', '__proto__', 'Const ', 'TPUReplicatedInput', 'StatefulPartitionedCall', 'PyFuncStateless'];

function unknownCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  UNKNOWN_LAYERS.forEach((cls, i) => {
    out.push(model(`unknown-layer-${i}-seq`, `seq: a layer of class ${JSON.stringify(cls)}`, err('UNKNOWN_LAYER'),
      modelFiles(edit('seq', (j) => { layersOf(j)[0].class_name = cls; }))));
    out.push(model(`unknown-layer-${i}-fn`, `fn: a layer of class ${JSON.stringify(cls)}`, err('UNKNOWN_LAYER'),
      modelFiles(edit('fn', (j) => { layersOf(j)[1].class_name = cls; }))));
  });
  for (const wrapper of ['Bidirectional', 'TimeDistributed']) {
    out.push(model(`unknown-layer-in-${wrapper}`, `a ${wrapper} wrapping an unknown layer`, err('UNKNOWN_LAYER'),
      modelFiles(edit('seq', (j) => { layersOf(j)[0] = { class_name: wrapper, config: { name: 'w', layer: { class_name: 'FancyRNN', config: {} } } }; }))));
  }
  out.push(model('unknown-model-class', 'modelTopology.class_name "Transformer"', err('BAD_TOPOLOGY'),
    modelFiles(edit('seq', (j) => { j.modelTopology.class_name = 'Transformer'; }))));
  UNKNOWN_OPS.forEach((op, i) => {
    out.push(model(`unknown-op-${i}`, `graph: a node with op ${JSON.stringify(op)}`, err('UNSUPPORTED_OP'),
      modelFiles(edit('graph', (j) => { nodesOf(j)[4].op = op; }))));
  });
  return out;
}

function edgeCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  const fn = (id: string, description: string, f: (layers: AnyJson[], config: AnyJson) => void, code: CorpusExpect = err('BAD_TOPOLOGY')) =>
    out.push(model(id, description, code, modelFiles(edit('fn', (j) => f(layersOf(j), j.modelTopology.config)))));
  const act = (name: string, from: string) => ({ class_name: 'Activation', name, config: { name, activation: 'relu' }, inbound_nodes: [[[from, 0, 0, {}]]] });
  fn('fn-self-loop', 'dense takes its own output', (l) => { l[1].inbound_nodes = [[['dense', 0, 0, {}]]]; });
  fn('fn-cycle-2', 'dense ← act ← dense', (l) => { l[1].inbound_nodes = [[['act', 0, 0, {}]]]; l.push(act('act', 'dense')); });
  fn('fn-cycle-3', 'dense ← a ← b ← dense', (l) => { l[1].inbound_nodes = [[['a', 0, 0, {}]]]; l.push(act('a', 'b'), act('b', 'dense')); });
  fn('fn-cycle-beside-path', 'a cycle a ↔ b beside the real path', (l) => { l.push(act('a', 'b'), act('b', 'a')); });
  fn('fn-dangling-layer', 'dense takes input from "ghost"', (l) => { l[1].inbound_nodes = [[['ghost', 0, 0, {}]]]; });
  fn('fn-dangling-node', 'dense takes node 3 of input_1', (l) => { l[1].inbound_nodes = [[['input_1', 3, 0, {}]]]; });
  fn('fn-negative-node', 'dense takes node -1 of input_1', (l) => { l[1].inbound_nodes = [[['input_1', -1, 0, {}]]]; });
  fn('fn-ref-not-array', 'an inbound node that is a string', (l) => { l[1].inbound_nodes = [['input_1']]; });
  fn('fn-inbound-object', 'inbound_nodes is an object', (l) => { l[1].inbound_nodes = { 0: [['input_1', 0, 0, {}]] }; });
  fn('fn-output-ghost', 'output_layers names "ghost"', (_, c) => { c.output_layers = [['ghost', 0, 0]]; });
  fn('fn-output-node-2', 'output_layers uses node 2 of dense', (_, c) => { c.output_layers = [['dense', 2, 0]]; });
  fn('fn-output-empty', 'output_layers is empty', (_, c) => { c.output_layers = []; });
  fn('fn-input-missing', 'input_layers is absent', (_, c) => { delete c.input_layers; });
  for (const [name, bad] of [['space', ' 9'], ['leading-dash', '-dense'], ['colon', 'dense:0'], ['unicode', 'dénse'], ['newline', 'dense\n']]) {
    fn(`fn-layer-name-${name}`, `a layer config named ${JSON.stringify(bad)} (TF.js cannot name its weights)`, (l) => { l[1].config.name = bad; });
    out.push(model(`seq-layer-name-${name}`, `seq: a layer named ${JSON.stringify(bad)}`, err('BAD_TOPOLOGY'), modelFiles(edit('seq', (j) => { layersOf(j)[0].config.name = bad; }))));
  }
  fn('fn-layer-config-name-object', 'the dense layer\'s config.name is an object (TF.js named its weights "[object Object]/kernel", and leaked)', (l) => { l[1].config.name = {}; });
  fn('fn-layer-without-name', 'the input layer has config.name but no "name" (TF.js waited for it forever)', (l) => { delete l[0].name; });
  fn('fn-layer-name-number', 'the dense layer\'s "name" is 7', (l) => { l[1].name = 7; });
  fn('fn-duplicate-layer', 'two layers named dense', (l) => { l.push({ ...l[1] }); });
  fn('fn-layers-not-array', 'config.layers is an object', (_, c) => { c.layers = { dense: {} }; });
  fn('fn-layer-no-class', 'a layer without class_name', (l) => { delete l[1].class_name; });
  fn('fn-keras3-inbound', 'Keras 3 {args, kwargs} inbound nodes', (l) => { l[1].inbound_nodes = [{ args: [], kwargs: {} }]; });
  // Output counts are only known once layers are built: TF.js's own refusal, typed, nothing leaked.
  fn('fn-tensor-index-5', 'dense takes output tensor 5 of input_1 (it has one)', (l) => { l[1].inbound_nodes = [[['input_1', 0, 5, {}]]]; }, err('MODEL_LOAD_FAILED'));
  fn('fn-output-tensor-3', 'output_layers uses output tensor 3 of dense (it has one)', (_, c) => { c.output_layers = [['dense', 0, 3]]; }, err('MODEL_LOAD_FAILED'));
  const graph = (id: string, description: string, f: (n: AnyJson[]) => void, code: CorpusExpect = err('BAD_TOPOLOGY')) =>
    out.push(model(id, description, code, modelFiles(edit('graph', (j) => f(nodesOf(j))))));
  graph('graph-self-loop', 'MatMul takes its own output', (n) => { n[3].input = ['MatMul', 'W']; });
  graph('graph-cycle-2', 'MatMul takes y, y takes MatMul', (n) => { n[3].input = ['y', 'W']; });
  graph('graph-cycle-control', 'a cycle through a control input', (n) => { n[3].input = ['x', 'W', '^y']; });
  graph('graph-cycle-output-index', 'a cycle through "y:0"', (n) => { n[3].input = ['y:0', 'W']; });
  graph('graph-dangling', 'y takes "ghost"', (n) => { n[4].input = ['MatMul', 'ghost']; });
  graph('graph-dangling-control', 'y waits on "^ghost"', (n) => { n[4].input = ['MatMul', 'b', '^ghost']; });
  graph('graph-duplicate-node', 'two nodes named W', (n) => { n[2].name = 'W'; });
  graph('graph-while-loop-ok', 'a TF 1 while loop (NextIteration → Merge back edge) is not a cycle: the unknown-free graph still needs its op check', (n) => {
    n.push({ name: 'loop/Merge', op: 'Merge', input: ['x', 'loop/Next'] }, { name: 'loop/Next', op: 'NextIteration', input: ['loop/Merge'] });
  }, { ok: true });
  graph('graph-node-no-op', 'a node without op', (n) => { delete n[3].op; });
  graph('graph-input-not-array', 'a node whose input is a string', (n) => { n[3].input = 'x'; });
  graph('graph-input-number', 'a node whose input holds a number', (n) => { n[3].input = ['x', 3]; });
  out.push(model('graph-node-not-array', 'modelTopology.node is an object', err('BAD_TOPOLOGY'),
    modelFiles(edit('graph', (j) => { j.modelTopology.node = { x: {} }; }))));
  return out;
}

export function modelCases(): CorpusCase[] {
  return [...shardCases(), ...dtypeCases(), ...shapeCases(), ...valueCases(), ...unknownCases(), ...edgeCases()];
}
