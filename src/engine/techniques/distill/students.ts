/**
 * Building the student, three ways: a scaled copy of a LayersModel teacher (its topology edited as
 * JSON and rebuilt), a preset for the input shape (presets.ts), or a library model resolved by
 * reference (re-trained from its own weights). Initial weights are seeded. The student trains with
 * a linear output (exact logits for the loss); the softmax its export should end in is put back
 * when it is written (exportStudent).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BonsaiError, outOfMemoryError } from '../../errors';
import { layersModelFlops } from '../../metrics/flops';
import type { LoadedModel } from '../../model/loaded';
import { modelJsonBytes } from '../../model/compact/model-json';
import { serializeLayersModel } from '../../model/serialize';
import type { InputFile, ModelRef } from '../../model/types';
import type { StudentPreset, StudentSpec } from './meta';
import { presetLayers, STUDENT_PRESETS, type PresetLayer } from './presets';
import { linearizeOutput, scaleTopology, setActivation, type TopologyJson } from './topology';
import type { TeacherOutputKind } from './teacher-logits';

export interface BuiltStudent {
  /** The model that trains: its output is linear where the export ends in softmax. */
  model: tfl.LayersModel;
  /** The activation to put back on the output layer when the student is written. */
  exportActivation: { layer: string; activation: string } | null;
  /** In words, e.g. "¼-width copy of the teacher". */
  description: string;
  /** Short, for names: e.g. "width ×0.25", "tiny CNN". */
  shortName: string;
  /** Student layer name → the teacher layer it was scaled from. */
  teacherLayer: Map<string, string>;
  widths: { layer: string; teacher: number; student: number }[];
  dropped: string[];
  notes: string[];
}

export interface StudentContext {
  teacher: LoadedModel;
  teacherKind: TeacherOutputKind;
  /** Per-example shape of the data as it comes (the input model's input). */
  dataShape: readonly number[];
  classes: number;
  seed: number;
  resolveModel(ref: ModelRef): Promise<LoadedModel>;
}

/** Build a model from topology JSON with fresh weights; variables of a failed build are freed. */
async function fromTopology(topology: TopologyJson, what: string): Promise<tfl.LayersModel> {
  const before = new Set(Object.keys(tf.engine().registeredVariables));
  try {
    return await tfl.models.modelFromJSON({ modelTopology: topology } as never);
  } catch (e) {
    for (const [name, v] of Object.entries(tf.engine().registeredVariables)) if (!before.has(name)) v.dispose();
    throw outOfMemoryError(e, `Building the ${what}`) ?? new BonsaiError('BAD_CONFIG', `Error in distill: the ${what} could not be built: ${e instanceof Error ? e.message : String(e)}.`,
      'Try another width, fewer per-layer overrides, or a preset student.');
  }
}

const fraction = (w: number) => (w === 0.5 ? '½' : w === 0.25 ? '¼' : w === 0.125 ? '⅛' : `×${w}`);

async function scaledStudent(spec: Extract<StudentSpec, { kind: 'scaled' }>, ctx: StudentContext): Promise<BuiltStudent> {
  const { teacher } = ctx;
  if (teacher.format !== 'layers') {
    throw new BonsaiError('NOT_TRAINABLE', 'Error in distill: a GraphModel teacher cannot be scaled into a student (its layers are not editable).',
      'Choose a preset student or a library model; the GraphModel can still teach it.');
  }
  const source = teacher.model.toJSON(null, false) as unknown as TopologyJson;
  const shapeOf = (name: string) => {
    try {
      return teacher.model.getLayer(name).outputShape;
    } catch {
      return null;
    }
  };
  const scaled = scaleTopology(source, spec, ctx.seed, shapeOf);
  const exportActivation = linearizeOutput(scaled.topology);
  const model = await fromTopology(scaled.topology, `${fraction(spec.width)}-width copy of the teacher`);
  const overrides = Object.keys(spec.perLayer ?? {}).length;
  return {
    model,
    exportActivation,
    description: `${fraction(spec.width)}-width copy of the teacher${overrides ? ` (${overrides} per-layer override${overrides > 1 ? 's' : ''})` : ''}${scaled.dropped.length ? `, ${scaled.dropped.length} repeated layers dropped` : ''}${scaled.removedDropout.length ? ', without dropout' : ''}`,
    shortName: `width ×${spec.width}`,
    teacherLayer: new Map(model.layers.map((l) => [l.name, l.name])),
    widths: scaled.widths,
    dropped: scaled.dropped,
    notes: [...scaled.notes, ...(scaled.removedDropout.length ? [`Dropout left out of the student: ${scaled.removedDropout.join(', ')}.`] : [])],
  };
}

/** The input shape of a preset: the data's, or the teacher's image shape when the data comes flat. */
function presetInputShape(preset: StudentPreset, ctx: StudentContext): number[] {
  const data = [...ctx.dataShape];
  if (!STUDENT_PRESETS[preset].needsImage || data.length === 3) return data;
  const t = ctx.teacher.model.inputs[0]?.shape?.slice(1) as (number | null)[] | undefined;
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  if (t && t.length === 3 && t.every((d): d is number => d !== null && d > 0) && size(t) === size(data)) return t;
  return data;
}

function presetLayer(l: PresetLayer, i: number, seed: number, inputShape: number[] | undefined): tfl.layers.Layer {
  const first = inputShape ? { inputShape } : {};
  const kernelInitializer = tfl.initializers.glorotUniform({ seed: seed * 1000 + i });
  switch (l.type) {
    case 'conv':
      return tfl.layers.conv2d({ ...first, name: `conv${i + 1}`, filters: l.filters, kernelSize: l.kernel, padding: 'same', activation: 'relu', kernelInitializer });
    case 'separable':
      return tfl.layers.separableConv2d({
        ...first, name: `sepconv${i + 1}`, filters: l.filters, kernelSize: l.kernel, padding: 'same', activation: 'relu',
        depthwiseInitializer: kernelInitializer, pointwiseInitializer: tfl.initializers.glorotUniform({ seed: seed * 1000 + 500 + i }),
      });
    case 'maxpool':
      return tfl.layers.maxPooling2d({ ...first, name: `pool${i + 1}`, poolSize: l.size });
    case 'global-average-pool':
      return tfl.layers.globalAveragePooling2d({ ...first, name: `gap${i + 1}` });
    case 'flatten':
      return tfl.layers.flatten({ ...first, name: `flatten${i + 1}` });
    case 'dense':
      return tfl.layers.dense({ ...first, name: l.head ? 'classifier' : `fc${i + 1}`, units: l.units, activation: l.head ? 'linear' : 'relu', kernelInitializer });
  }
}

function presetStudent(preset: StudentPreset, ctx: StudentContext): BuiltStudent {
  const inputShape = presetInputShape(preset, ctx);
  const layers = presetLayers(preset, inputShape, ctx.classes);
  const model = tfl.sequential({ name: `student_${preset.replace(/-/g, '_')}`, layers: layers.map((l, i) => presetLayer(l, i, ctx.seed, i === 0 ? inputShape : undefined)) });
  return {
    model,
    // The student answers in the teacher's form: probabilities for a softmax teacher, logits otherwise.
    exportActivation: ctx.teacherKind === 'probabilities' ? { layer: 'classifier', activation: 'softmax' } : null,
    description: `${STUDENT_PRESETS[preset].label} preset (${STUDENT_PRESETS[preset].architecture})`,
    shortName: STUDENT_PRESETS[preset].label.toLowerCase(),
    teacherLayer: new Map(),
    widths: [],
    dropped: [],
    notes: [],
  };
}

async function libraryStudent(ref: ModelRef, ctx: StudentContext): Promise<BuiltStudent> {
  const source = await ctx.resolveModel(ref);
  if (source.format !== 'layers') {
    throw new BonsaiError('NOT_TRAINABLE', 'Error in distill: the student must be a LayersModel (a GraphModel cannot be trained).',
      'Choose a LayersModel from the library, a preset, or a scaled copy of the teacher.');
  }
  const topology = source.model.toJSON(null, false) as unknown as TopologyJson;
  const exportActivation = linearizeOutput(topology);
  const model = await fromTopology(topology, 'library student');
  try {
    model.setWeights(source.model.getWeights());
  } catch (e) {
    model.dispose();
    throw e;
  }
  const id = ref.kind === 'sample' ? ref.sampleId : ref.libraryId;
  return {
    model,
    exportActivation,
    description: `library model ${id}, re-trained from its own weights`,
    shortName: id,
    teacherLayer: new Map(),
    widths: [],
    dropped: [],
    notes: [],
  };
}

/** The student for this spec, ready to train. The caller disposes `model`. */
export async function buildStudent(spec: StudentSpec, ctx: StudentContext): Promise<BuiltStudent> {
  switch (spec.kind) {
    case 'scaled':
      return scaledStudent(spec, ctx);
    case 'preset':
      return presetStudent(spec.preset, ctx);
    case 'model':
      return libraryStudent(spec.ref, ctx);
  }
}

/** The exact size of the student a spec builds (worker-side; the UI has size.ts's estimate). */
export async function measureStudent(spec: StudentSpec, ctx: StudentContext): Promise<{ params: number; flops: number }> {
  const s = await buildStudent(spec, ctx);
  try {
    return { params: s.model.countParams(), flops: layersModelFlops(s.model).flops };
  } finally {
    s.model.dispose();
  }
}

/** The trained student as TF.js files, with its output activation put back. */
export async function exportStudent(model: tfl.LayersModel, student: Pick<BuiltStudent, 'exportActivation'>): Promise<InputFile[]> {
  const files = await serializeLayersModel(model);
  if (!student.exportActivation) return files;
  return files.map((f) => {
    if (f.path !== 'model.json') return f;
    const json = JSON.parse(new TextDecoder().decode(f.bytes)) as { modelTopology: unknown } & Record<string, unknown>;
    setActivation(json.modelTopology, student.exportActivation!.layer, student.exportActivation!.activation);
    return { path: f.path, bytes: modelJsonBytes(json) };
  });
}
