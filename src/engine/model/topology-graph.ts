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
  for (const node of nodes as Obj[]) {
    for (const input of (node.input as string[] | undefined) ?? []) {
      // Same parsing as the converter: "^ctrl" is a control input, "name:1" an output index.
      const source = input.replace(/^\^/, '').split(':')[0];
      if (!names.has(source)) throw bad(file, `node "${String(node.name)}" takes input "${input}", but no node is named "${source}".`);
    }
  }
}
