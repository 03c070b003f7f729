/**
 * Any teacher's output as logits. Raw outputs when the model ends in a linear layer; log of the
 * probabilities (floored at 1e-30) when it ends in a softmax, which equals the logits up to a per-row
 * constant — all that softmax(·/T) needs. Read from the Layers topology (the training loop's own
 * detector) or from the op a GraphModel's output comes from. Anything that is not one
 * [batch, classes] distribution (sigmoid heads, several outputs, other ranks) is refused.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { DatasetSplit } from '../../data/types';
import { BonsaiError } from '../../errors';
import { DEFAULT_EVAL_BATCH_SIZE, forEachBatch, inputAdapter, predictBatch, singleInputShape, sliceRows } from '../../metrics/batches';
import type { LoadedModel } from '../../model/loaded';
import { detectOutputKind } from '../../train/loss';

const OP = 'distill';

/** What the teacher's output holds. */
export type TeacherOutputKind = 'logits' | 'probabilities' | 'log-probabilities';

export const OUTPUT_KIND_WORDS: Record<TeacherOutputKind, string> = {
  logits: 'teacher ends in a linear layer: its raw outputs are used as logits',
  probabilities: 'teacher ends in softmax: log-probabilities used as logits',
  'log-probabilities': 'teacher ends in log-softmax: its outputs are used as logits',
};

function notADistribution(what: string): BonsaiError {
  return new BonsaiError('OUTPUT_MISMATCH', `Error in ${OP}: the teacher's output ${what}; distillation needs one [batch, classes] class distribution.`,
    'Use a classifier as the teacher: one output of class scores (logits) or softmax probabilities.');
}

/** Ops that pass a tensor through unchanged (or only reshape it) on the way to a graph's output. */
const GRAPH_PASS_THROUGH = new Set(['Identity', 'IdentityN', 'StopGradient', 'Snapshot', 'Reshape', 'Squeeze']);

interface GraphNode { name: string; op: string; input?: string[] }

/** The op that computes a GraphModel's (single) output, looking through Identity-like ops. */
export function graphOutputOp(model: GraphModel, modelJson: Record<string, unknown>): string | null {
  const topology = modelJson.modelTopology as { node?: GraphNode[] } | undefined;
  const nodes = new Map((topology?.node ?? []).map((n) => [n.name, n]));
  const outputs = model.outputs;
  if (outputs.length !== 1) throw notADistribution(`has ${outputs.length} tensors`);
  let name = outputs[0].name.replace(/:\d+$/, '');
  for (let hops = 0; hops < 100; hops++) {
    const node = nodes.get(name);
    if (!node) return null;
    if (!GRAPH_PASS_THROUGH.has(node.op)) return node.op;
    const next = node.input?.find((i) => !i.startsWith('^'));
    if (!next) return node.op;
    name = next.replace(/:\d+$/, '');
  }
  return null;
}

/** Read the teacher's output kind from its topology; refuse outputs that are not a class distribution. */
export function teacherOutputKind(teacher: LoadedModel): TeacherOutputKind {
  if (teacher.format === 'layers') {
    const m = teacher.model;
    if (m.outputs.length !== 1) throw notADistribution(`has ${m.outputs.length} tensors`);
    const shape = m.outputs[0].shape;
    if (shape.length !== 2) throw notADistribution(`has shape [${shape.map((d) => d ?? '?').join(', ')}]`);
    if (shape[1] !== null && shape[1] < 2) throw notADistribution(`has ${shape[1]} class`);
    const last = m.layers[m.layers.length - 1];
    const activation = (last?.getConfig() as { activation?: unknown } | undefined)?.activation;
    if (activation === 'sigmoid') throw notADistribution('is a sigmoid (independent yes/no scores)');
    return detectOutputKind(m);
  }
  const op = graphOutputOp(teacher.model, teacher.prepared.modelJson);
  if (op === 'Softmax') return 'probabilities';
  if (op === 'LogSoftmax') return 'log-probabilities';
  if (op === 'Sigmoid') throw notADistribution('is a sigmoid (independent yes/no scores)');
  return 'logits';
}

/**
 * Floor of a softmax teacher's probabilities before the log. Not the training loss's 1e-7: a
 * confident teacher gives its wrong classes 1e-9…1e-20, and how those compare is exactly the
 * "dark knowledge" a temperature brings out; a 1e-7 floor would flatten them all to one value.
 * float32 holds such values exactly enough (softmax computes them as exp of a difference); only
 * a true underflow to 0 meets the floor.
 */
export const TEACHER_PROBABILITY_FLOOR = 1e-30;

/** Logits (up to a per-row constant) from a teacher output of this kind. */
export function outputToLogits(outputs: tf.Tensor, kind: TeacherOutputKind): tf.Tensor {
  if (kind !== 'probabilities') return outputs;
  return tf.tidy(() => tf.log(tf.clipByValue(outputs, TEACHER_PROBABILITY_FLOOR, 1)));
}

/** The teacher's logits on one batch of data (as the data comes, adapted to the teacher's input). */
export type TeacherForward = (xs: tf.Tensor) => tf.Tensor2D;

export function teacherForward(teacher: LoadedModel, kind: TeacherOutputKind, dataShape: readonly number[]): TeacherForward {
  const adapt = inputAdapter(singleInputShape(teacher, `${OP} (teacher)`), dataShape, `${OP} (teacher)`);
  return (xs) => tf.tidy(() => outputToLogits(predictBatch(teacher, adapt(xs), `${OP} (teacher)`), kind) as tf.Tensor2D);
}

/** The teacher's class count, from one forward pass on the first example (GraphModels rarely declare it). */
export function teacherClasses(forward: TeacherForward, split: DatasetSplit): number {
  const out = tf.tidy(() => forward(sliceRows(split.xs, 0, 1)));
  const classes = out.shape[1];
  out.dispose();
  if (classes < 2) throw notADistribution(`has ${classes} class`);
  return classes;
}

/** The teacher's logits on a whole split, batched with a checkpoint between batches. The caller disposes it. */
export async function teacherLogits(forward: TeacherForward, split: DatasetSplit, signal?: AbortSignal): Promise<tf.Tensor2D> {
  const parts: tf.Tensor2D[] = [];
  try {
    await forEachBatch(split.count, DEFAULT_EVAL_BATCH_SIZE, signal, (start, size) => {
      parts.push(tf.tidy(() => forward(sliceRows(split.xs, start, size))));
    });
    return tf.concat(parts, 0);
  } finally {
    tf.dispose(parts);
  }
}

/** Top-1 agreement of two [n, classes] score tensors, or accuracy against one-hot labels. */
export async function top1Agreement(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const hits = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(a, -1), tf.argMax(b, -1)), 'float32')));
  const [v] = await hits.data();
  hits.dispose();
  return v;
}
