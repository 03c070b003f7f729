/**
 * A student's size before it exists, for the UI's live "student builder" (no tf import). A scaled
 * copy is worked out from the teacher's summary rows: each row's FLOPs give its kernel's size per
 * position, so kernel and bias separate exactly, and channel counts are followed from layer to
 * layer. Exact for chains of Conv/Dense/Depthwise/BatchNorm/pooling/Flatten layers (every sample
 * is one); other layers are counted as they are and the estimate says it is approximate.
 * students.ts `measureStudent` builds the student for an exact count when that matters.
 */
import type { LayerRow, ModelSummary } from '../../model/types';
import type { ScaledStudent, StudentSpec } from './meta';
import { presetSize, presetUnavailable, type StudentSize } from './presets';
import { repeatedBlockIndices } from './repeats';

export type { StudentSize };

export interface StudentSizeEstimate extends StudentSize {
  /** false when some layer could only be counted approximately (see `approximations`). */
  exact: boolean;
  approximations: string[];
  /** Scaled layers: units/filters in the teacher and in the student. */
  widths: { layer: string; teacher: number; student: number }[];
  /** Layers a scaled copy drops as repeats (dropRepeated). */
  dropped: string[];
}

export type StudentSizeResult = StudentSizeEstimate | { unavailable: string };

/** Units/filters of a scaled layer: an override, else round(units × width), at least 1. */
export function scaledUnits(units: number, width: number, override?: number): number {
  return override ?? Math.max(1, Math.round(units * width));
}

/** Layers whose output channels a scaled copy sets (filters/units). */
export const SCALABLE_CLASSES = new Set(['Dense', 'Conv1D', 'Conv2D', 'SeparableConv2D']);
/** Layers with weights per input channel, which follow the channels they are given. */
const CHANNEL_FOLLOWERS = new Set(['BatchNormalization', 'LayerNormalization', 'DepthwiseConv2D']);
const MERGES = new Set(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot']);

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** Index of the classifier: the last layer that sets its own units/filters (it keeps its class count). */
export function classifierIndex(rows: readonly Pick<LayerRow, 'type'>[]): number {
  for (let i = rows.length - 1; i >= 0; i--) if (SCALABLE_CLASSES.has(rows[i].type)) return i;
  return -1;
}

/** Rows a scaled copy drops as repeated blocks (same class, output shape and parameter count). */
export function repeatedRows(rows: readonly LayerRow[]): number[] {
  const same = (a: LayerRow, b: LayerRow) => a.type === b.type && a.params === b.params && JSON.stringify(a.outputShape) === JSON.stringify(b.outputShape);
  return repeatedBlockIndices(rows, same, (r) => r.params > 0, classifierIndex(rows));
}

/** Size of a width-scaled copy of a LayersModel teacher, from its summary. */
export function estimateScaledStudent(teacher: Pick<ModelSummary, 'format' | 'className' | 'inputs' | 'layers'>, spec: Omit<ScaledStudent, 'kind'>): StudentSizeResult {
  if (teacher.format !== 'layers') return { unavailable: 'A GraphModel teacher cannot be scaled: choose a preset or a library model as the student.' };
  const inputShape = teacher.inputs[0]?.shape ?? [];
  const dropIdx = new Set(spec.dropRepeated ? repeatedRows(teacher.layers) : []);
  const rows = teacher.layers.filter((_, i) => !dropIdx.has(i));
  const head = classifierIndex(rows);
  const approximations: string[] = [];
  const widths: StudentSizeEstimate['widths'] = [];
  if (teacher.layers.some((r) => MERGES.has(r.type))) approximations.push('the model branches (merge layers); the estimate follows the layers in order');

  let c = inputShape[inputShape.length - 1] ?? -1;
  let cs = c;
  let params = 0;
  let flops = 0;
  rows.forEach((row, i) => {
    const dims = (row.outputShape[0] ?? []).slice(1);
    const cout = dims[dims.length - 1] ?? -1;
    const outElems = product(dims);
    const known = c > 0 && cout > 0 && outElems > 0 && row.outputShape.length === 1;
    const asIs = (why: string | null) => {
      if (why) approximations.push(`${row.name} (${row.type}): ${why}`);
      params += row.params;
      flops += row.flops ?? 0;
      cs = cout === c ? cs : cout;
      c = cout;
    };
    if (!known) return asIs(row.params > 0 || cout !== c ? 'shape not fixed, counted as in the teacher' : null);
    if (row.type === 'Dense' || row.type === 'Conv1D' || row.type === 'Conv2D') {
      const out = i === head ? cout : scaledUnits(cout, spec.width, spec.perLayer?.[row.name]);
      if (row.flops === null) return asIs('FLOPs not counted, so its kernel is unknown; counted as in the teacher');
      const kernel = Math.round(((row.flops / 2) * cout) / outElems); // kh·kw·cin·cout
      const perPair = Math.round(kernel / (c * cout)); // kh·kw (1 for Dense)
      const bias = row.params - kernel > 0 ? 1 : 0;
      params += perPair * cs * out + bias * out;
      flops += 2 * (outElems / cout) * perPair * cs * out;
      if (i !== head) widths.push({ layer: row.name, teacher: cout, student: out });
      c = cout;
      cs = out;
      return;
    }
    if (row.type === 'SeparableConv2D') {
      if (row.flops === null) return asIs('FLOPs not counted; counted as in the teacher');
      const out = i === head ? cout : scaledUnits(cout, spec.width, spec.perLayer?.[row.name]);
      const positions = outElems / cout;
      const macsPerPosition = row.flops / 2 / positions; // cin·(kh·kw + cout), depth multiplier 1
      const kk = macsPerPosition / c - cout;
      if (!Number.isInteger(kk) || kk < 1) return asIs('depth multiplier above 1; counted as in the teacher');
      const bias = row.params - macsPerPosition > 0 ? 1 : 0;
      params += cs * kk + cs * out + bias * out;
      flops += 2 * positions * (cs * kk + cs * out);
      if (i !== head) widths.push({ layer: row.name, teacher: cout, student: out });
      c = cout;
      cs = out;
      return;
    }
    if (CHANNEL_FOLLOWERS.has(row.type)) {
      const multiplier = cout / c; // DepthwiseConv2D: depth multiplier; the others: 1
      params += (row.params / c) * cs;
      flops += ((row.flops ?? 0) / c) * cs;
      c = cout;
      cs = cs * multiplier;
      return;
    }
    if (row.params > 0) return asIs('a layer with weights Bonsai does not scale; counted as in the teacher');
    if (row.type === 'Flatten') {
      cs = (outElems / c) * cs;
      c = outElems;
      return;
    }
    if (cout !== c) return asIs('changes the channel count; counted as in the teacher');
    // Pooling, activations, dropout, padding: channels pass through unchanged.
  });
  return {
    params: Math.round(params),
    flops: Math.round(flops),
    exact: approximations.length === 0,
    approximations,
    widths,
    dropped: teacher.layers.filter((_, i) => dropIdx.has(i)).map((r) => r.name),
  };
}

/**
 * The student's size for the builder UI. `teacher` is the teacher's summary (null when it is not
 * loaded yet); `input` the per-example data shape and the class count.
 */
export function estimateStudentSize(teacher: ModelSummary | null, student: StudentSpec, input: { shape: readonly number[]; classes: number }): StudentSizeResult {
  switch (student.kind) {
    case 'scaled':
      return teacher ? estimateScaledStudent(teacher, student) : { unavailable: 'Load the teacher to size a scaled copy of it.' };
    case 'preset': {
      const why = presetUnavailable(student.preset, input.shape);
      if (why) return { unavailable: why };
      return { ...presetSize(student.preset, input.shape, input.classes), exact: true, approximations: [], widths: [], dropped: [] };
    }
    case 'model':
      return { unavailable: 'A library model keeps its own size: see its card in the library.' };
  }
}
