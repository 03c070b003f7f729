/**
 * Check a GraphModel topology before TF.js builds it: nodes are well formed, names are unique,
 * inputs refer to existing nodes, and every op is one tfjs-converter can execute (it would
 * otherwise load fine and fail only at the first predict).
 */
import { BonsaiError } from '../errors';
import { UNSAFE_KEYS } from './json';
import { isKnownGraphOp } from './op-list';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(file: string, message: string): BonsaiError {
  return new BonsaiError(
    'BAD_TOPOLOGY',
    `${file}: ${message}`,
    'The graph in model.json is malformed. Convert the model again with the TF.js converter.',
    file,
  );
}

export function validateGraphTopology(topology: unknown, file: string, modelInitializer?: unknown): void {
  if (!isObject(topology) || !Array.isArray(topology.node)) throw bad(file, '"modelTopology.node" must be an array.');
  const unknownOps = new Map<string, string>();
  checkNodes(topology.node, file, 'modelTopology.node', unknownOps, true);
  if (isObject(modelInitializer) && Array.isArray(modelInitializer.node)) {
    checkNodes(modelInitializer.node, file, 'modelInitializer.node', unknownOps, true);
  }
  const library = isObject(topology.library) ? topology.library : {};
  const functions = Array.isArray(library.function) ? library.function : [];
  functions.forEach((fn, i) => {
    const nodes = isObject(fn) ? fn.nodeDef : undefined;
    if (nodes !== undefined && !Array.isArray(nodes)) throw bad(file, `library.function[${i}].nodeDef must be an array.`);
    // Function bodies refer to inputs as "node:output:0", resolved by the converter itself.
    if (nodes) checkNodes(nodes, file, `library.function[${i}].nodeDef`, unknownOps, false);
  });
  if (unknownOps.size > 0) {
    const list = [...unknownOps].slice(0, 5).map(([op, node]) => `${op} (node "${node}")`).join(', ');
    throw new BonsaiError(
      'UNSUPPORTED_OP',
      `${file}: the graph uses ${unknownOps.size > 1 ? 'ops' : 'an op'} TF.js cannot run: ${list}${unknownOps.size > 5 ? `, and ${unknownOps.size - 5} more` : ''}.`,
      'Convert the model again with a TF.js converter matching TF.js 4.22, or rewrite those ops with supported ones before converting.',
      file,
    );
  }
}

function checkNodes(nodes: unknown[], file: string, where: string, unknownOps: Map<string, string>, checkInputs: boolean): void {
  const names = new Set<string>();
  nodes.forEach((node, i) => {
    if (!isObject(node) || typeof node.name !== 'string' || node.name === '' || typeof node.op !== 'string' || node.op === '') {
      throw bad(file, `${where}[${i}] needs a string "name" and "op".`);
    }
    if (UNSAFE_KEYS.has(node.name)) throw bad(file, `${where}[${i}] has the name "${node.name}", which is not allowed.`);
    if (names.has(node.name)) throw bad(file, `two nodes are named "${node.name}".`);
    names.add(node.name);
    if (node.input !== undefined && (!Array.isArray(node.input) || !node.input.every((s) => typeof s === 'string'))) {
      throw bad(file, `node "${node.name}": "input" must be an array of node names.`);
    }
    if (!isKnownGraphOp(node.op) && !unknownOps.has(node.op)) unknownOps.set(node.op, node.name);
  });
  if (!checkInputs) return;
  const inputs = new Map<string, string[]>();
  for (const node of nodes as Obj[]) {
    const sources = ((node.input as string[] | undefined) ?? []).map((input) => {
      // Same parsing as the converter: "^ctrl" is a control input, "name:1" an output index.
      const source = input.replace(/^\^/, '').split(':')[0];
      if (!names.has(source)) throw bad(file, `node "${String(node.name)}" takes input "${input}", but no node is named "${source}".`);
      return source;
    });
    inputs.set(node.name as string, sources);
  }
  const cycle = findGraphCycle(nodes as Obj[], inputs);
  if (cycle) throw bad(file, `the graph has a cycle: ${cycle.join(' → ')}. A graph TF.js can run never feeds a node its own output.`);
}

/**
 * A cycle among node inputs, or null. TF 1 while loops are the one legal cycle: their back edge
 * always runs NextIteration → Merge, so edges out of NextIteration nodes are not followed. Iterative
 * (a 100,000-node chain must not overflow the stack).
 */
function findGraphCycle(nodes: Obj[], inputs: Map<string, string[]>): string[] | null {
  const op = new Map(nodes.map((n) => [n.name as string, n.op as string]));
  const state = new Map<string, 'open' | 'done'>();
  for (const start of inputs.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [start];
    const next: number[] = [0];
    state.set(start, 'open');
    while (path.length > 0) {
      const name = path[path.length - 1];
      const sources = inputs.get(name) ?? [];
      const i = next[next.length - 1]++;
      if (i >= sources.length) {
        state.set(name, 'done');
        path.pop();
        next.pop();
        continue;
      }
      const source = sources[i];
      if (op.get(source) === 'NextIteration') continue;
      if (state.get(source) === 'open') return [...path.slice(path.indexOf(source)), source].reverse();
      if (state.has(source)) continue;
      state.set(source, 'open');
      path.push(source);
      next.push(0);
    }
  }
  return null;
}

/**
 * Each weight's manifest shape against the shape its Const node declares (attr.value.tensor.
 * tensorShape): the converter does not compare them, so a mismatch loads and fails at the first predict.
 */
export function checkGraphWeightShapes(topology: unknown, specs: { name: string; shape: number[] }[], file: string): void {
  if (!isObject(topology) || !Array.isArray(topology.node)) return;
  const declared = new Map<string, number[]>();
  for (const node of topology.node as unknown[]) {
    if (!isObject(node) || node.op !== 'Const' || !isObject(node.attr)) continue;
    const value = node.attr.value;
    const tensor = isObject(value) && isObject(value.tensor) ? value.tensor : undefined;
    const shape = tensor && isObject(tensor.tensorShape) ? tensor.tensorShape : undefined;
    if (!shape) continue;
    const dims = shape.dim === undefined ? [] : shape.dim;
    if (!Array.isArray(dims)) continue;
    const sizes = dims.map((d) => (isObject(d) ? Number(d.size ?? 0) : NaN));
    if (sizes.every((d) => Number.isSafeInteger(d) && d >= 0)) declared.set(node.name as string, sizes);
  }
  for (const spec of specs) {
    const want = declared.get(spec.name);
    if (!want || (want.length === spec.shape.length && want.every((d, i) => d === spec.shape[i]))) continue;
    throw new BonsaiError(
      'WEIGHT_SHAPE_MISMATCH',
      `${file}: weight "${spec.name}" is declared with shape [${spec.shape.join(', ')}] in the manifest, but its Const node holds [${want.join(', ')}].`,
      'The weightsManifest in model.json does not describe this graph (edited by hand, or from another version of the model). Use model.json and the .bin files exported together.',
      file,
    );
  }
}
