/**
 * The op table of a GraphModel: one row per op that owns weights (a Const from the manifest among
 * its inputs, seen through Identity) or does counted multiply-adds. Per-row FLOPs come from the
 * profiled kernels, matched to ops by kind and weight shape in execution order; ops of the same
 * kind with equal weight shapes may swap rows, which never changes the total.
 */
import type { LayerRow } from '../model/types';
import type { CountedKernel } from './flops-profile';
import { elementCount, storedDtypeLabel, type StoredWeight } from './manifest';

/** Rows beyond this are dropped: a table of thousands of ops helps no one. */
export const MAX_OP_ROWS = 500;

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
}

type Family = 'matmul' | 'conv' | 'depthwise' | 'tconv';

const GRAPH_OP_FAMILY: Record<string, Family> = {
  MatMul: 'matmul', BatchMatMul: 'matmul', BatchMatMulV2: 'matmul', _FusedMatMul: 'matmul',
  Conv2D: 'conv', _FusedConv2D: 'conv', Conv3D: 'conv',
  DepthwiseConv2dNative: 'depthwise', FusedDepthwiseConv2dNative: 'depthwise',
  Conv2DBackpropInput: 'tconv',
};

const KERNEL_FAMILY: Record<string, Family> = {
  BatchMatMul: 'matmul', _FusedMatMul: 'matmul', MatMul: 'matmul', FusedMatMul: 'matmul',
  Conv2D: 'conv', FusedConv2D: 'conv', Conv3D: 'conv',
  DepthwiseConv2dNative: 'depthwise', FusedDepthwiseConv2D: 'depthwise',
  Conv2DBackpropInput: 'tconv',
};

/** Nodes of the GraphDef in model.json (the main graph; function bodies are not listed). */
export function graphNodes(modelJson: Record<string, unknown>): GraphNode[] {
  const topology = modelJson['modelTopology'] as { node?: unknown } | undefined;
  if (!topology || !Array.isArray(topology.node)) return [];
  return (topology.node as GraphNode[]).filter((n) => n && typeof n.name === 'string' && typeof n.op === 'string');
}

/** Every op type in the graph, function bodies (control flow) included. */
function allOpTypes(modelJson: Record<string, unknown>): string[] {
  const ops = graphNodes(modelJson).map((n) => n.op);
  const library = (modelJson['modelTopology'] as { library?: { function?: { nodeDef?: { op?: unknown }[] }[] } })?.library;
  for (const fn of library?.function ?? []) {
    for (const n of fn.nodeDef ?? []) if (typeof n.op === 'string') ops.push(n.op);
  }
  return ops;
}

/**
 * Op types present but not counted in FLOPs, named as in the graph (the names the op table shows):
 * everything but Const/Placeholder/Identity/NoOp and, when the graph was profiled, the counted
 * MAC ops. When profiling failed nothing was counted, so the MAC ops are listed too.
 */
export function notCountedOpTypes(modelJson: Record<string, unknown>, profiled: boolean): string[] {
  const skip = new Set(['Const', 'Placeholder', 'NoOp', 'Identity']);
  const listed = allOpTypes(modelJson).filter((op) => !skip.has(op) && !(profiled && Object.hasOwn(GRAPH_OP_FAMILY, op)));
  return [...new Set(listed)].sort();
}

function stripLeadingOnes(shape: readonly number[]): string {
  let i = 0;
  while (i < shape.length - 1 && shape[i] === 1) i++;
  return shape.slice(i).join(',');
}

function inputNodeName(input: string): string {
  return input.replace(/^\^/, '').replace(/:\d+$/, '');
}

export function graphOpRows(
  modelJson: Record<string, unknown>,
  weights: StoredWeight[],
  kernels: CountedKernel[],
  freeBatch: boolean,
): LayerRow[] {
  const nodes = graphNodes(modelJson);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const weightByName = new Map(weights.map((w) => [w.name, w]));

  const resolveWeight = (input: string): StoredWeight | null => {
    let name = inputNodeName(input);
    for (let depth = 0; depth < 8; depth++) {
      const w = weightByName.get(name);
      if (w) return w;
      const node = byName.get(name);
      if (!node || node.op !== 'Identity' || !node.input?.length) return null;
      name = inputNodeName(node.input[0]);
    }
    return null;
  };

  // Counted kernels not yet assigned to a row, in execution order.
  const pending = kernels.map((k) => ({ k, family: KERNEL_FAMILY[k.name], used: false }));
  const takeKernel = (family: Family, weightShape: number[] | null): CountedKernel | null => {
    const want = weightShape ? stripLeadingOnes(weightShape) : null;
    const hit = pending.find(
      (p) => !p.used && p.family === family && (want === null || stripLeadingOnes(p.k.inputShapes[1] ?? []) === want),
    );
    if (!hit) return null;
    hit.used = true;
    return hit.k;
  };

  const rows: LayerRow[] = [];
  for (const node of nodes) {
    if (rows.length >= MAX_OP_ROWS) break;
    if (node.op === 'Const' || node.op === 'Placeholder' || node.op === 'Identity') continue;
    const owned = (node.input ?? []).filter((i) => !i.startsWith('^')).map(resolveWeight).filter((w): w is StoredWeight => w !== null);
    const family = Object.hasOwn(GRAPH_OP_FAMILY, node.op) ? GRAPH_OP_FAMILY[node.op] : undefined;
    if (owned.length === 0 && !family) continue;
    // Input 1 is the weight of every counted op (b of MatMul, filter of Conv).
    const secondInput = node.input?.[1] ? resolveWeight(node.input[1]) : null;
    const kernel = family ? takeKernel(family, secondInput ? secondInput.shape : null) : null;
    const outShape = kernel ? [...kernel.outputShapes[0]] : [];
    if (freeBatch && outShape.length > 0 && outShape[0] === 1) outShape[0] = -1;
    rows.push({
      name: node.name,
      type: node.op,
      outputShape: outShape.length ? [outShape] : [],
      params: owned.reduce((sum, w) => sum + elementCount(w.shape), 0),
      weightDtypes: [...new Set(owned.map(storedDtypeLabel))],
      flops: kernel ? kernel.flops : null,
    });
  }
  return rows;
}
