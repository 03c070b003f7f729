/**
 * Run a LayersModel node by node — the order and bookkeeping of tfjs-layers'
 * `Container.runInternalGraph` — so a caller can see (and replace) every layer's output: the
 * integer simulation fake-quantizes each one, bias correction compares two models layer by layer.
 * Masks are not propagated (Bonsai's models are image/feature classifiers). A nested model used
 * as a layer is one step. Call inside a tidy: every tensor made here belongs to the caller's scope.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../../errors';

type GraphNodeRef = LayersModel['nodesByDepth'][string][number];
export type WalkLayer = GraphNodeRef['outboundLayer'];

export interface WalkStep {
  layer: WalkLayer;
  /** `${layer name}#${node index}`: the same in a model and its clone (names survive serialization). */
  key: string;
  inputIds: number[];
  outputIds: number[];
  callArgs: Record<string, unknown>;
}

/** The model's nodes in execution order (deepest first, as runInternalGraph runs them). */
export function walkSteps(model: LayersModel): WalkStep[] {
  // A Sequential made with add() builds its inner graph (and nodesByDepth) on first use.
  if (Object.keys(model.nodesByDepth ?? {}).length === 0 && model.inputs.length > 0) model.build(model.inputs[0].shape);
  const depths = Object.keys(model.nodesByDepth).map(Number).sort((a, b) => b - a);
  const steps: WalkStep[] = [];
  for (const depth of depths) {
    for (const node of model.nodesByDepth[depth]) {
      const layer = node.outboundLayer;
      if (layer.getClassName() === 'InputLayer') continue;
      steps.push({
        layer,
        key: `${layer.name}#${layer.inboundNodes.indexOf(node)}`,
        inputIds: node.inputTensors.map((t) => t.id),
        outputIds: node.outputTensors.map((t) => t.id),
        callArgs: (node.callArgs ?? {}) as Record<string, unknown>,
      });
    }
  }
  return steps;
}

export function singleInputName(model: LayersModel, operation: string): { id: number; name: string } {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new BonsaiError('WRONG_INPUT_SHAPE', `Error in ${operation}: the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; this needs exactly one of each.`,
      'Use a classifier with one input and one output.');
  }
  return { id: model.inputs[0].id, name: model.inputLayers[0]?.name ?? 'input' };
}

/** Call one step on tensors already in `values`; its outputs are stored there and returned. */
export function runStep(step: WalkStep, values: Map<number, tf.Tensor>, call?: (layer: WalkLayer, x: tf.Tensor | tf.Tensor[]) => tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  const inputs = step.inputIds.map((id) => {
    const t = values.get(id);
    if (!t) throw new BonsaiError('INTERNAL', `Error in the layer walk: layer ${step.layer.name} runs before its input is computed.`);
    return t;
  });
  const x = inputs.length === 1 ? inputs[0] : inputs;
  const out = call ? call(step.layer, x) : step.layer.call(x, { ...step.callArgs });
  const outs = Array.isArray(out) ? out : [out];
  step.outputIds.forEach((id, i) => values.set(id, outs[i]));
  return outs;
}

/** The layer's name; `name#k` for the k-th call (k ≥ 1) of a shared layer. */
export function outputName(step: WalkStep): string {
  return step.key.endsWith('#0') ? step.layer.name : step.key;
}

/**
 * The model's output on x, with `onOutput(name, y)` able to replace each single-output layer's
 * output (and the input, under the input layer's name) before the next layers read it.
 */
export function walkModel(model: LayersModel, x: tf.Tensor, onOutput?: (name: string, y: tf.Tensor) => tf.Tensor): tf.Tensor {
  const input = singleInputName(model, 'walkModel');
  const values = new Map<number, tf.Tensor>([[input.id, onOutput ? onOutput(input.name, x) : x]]);
  for (const step of walkSteps(model)) {
    const outs = runStep(step, values);
    if (onOutput && outs.length === 1) values.set(step.outputIds[0], onOutput(outputName(step), outs[0]));
  }
  const y = values.get(model.outputs[0].id);
  if (!y) throw new BonsaiError('INTERNAL', 'Error in walkModel: the walk did not reach the model output.');
  return y;
}
