/**
 * Distill: settings, defaults, presets and validation as plain data (no tf import; the UI reads
 * it). A teacher (the open model by default, or a sample / library model) trains a smaller
 * student on Hinton et al.'s (2015) loss, α·CE(labels, student) + (1 − α)·T²·KL(teacher_T ‖
 * student_T), with α forced to 0 on unlabeled data; the same student from the same initial
 * weights is also trained on hard labels alone (the scratch baseline), so the gain is measured.
 */
import { BonsaiError } from '../../errors';
import type { ModelRef } from '../../model/types';
import { checkTrainSettings, TrainSettingsError, type TrainSettings } from '../../train/meta';
import type { TechniqueMeta } from '../types';
import { STUDENT_PRESETS } from './presets';

export type { TrainSettings };
export { estimateScaledStudent, estimateStudentSize, scaledUnits, type StudentSizeEstimate, type StudentSizeResult } from './size';
export { presetSize, presetUnavailable, STUDENT_PRESETS } from './presets';

/** The teacher: the open model (default), or a built-in sample / library model by reference. */
export type TeacherChoice = { kind: 'input' } | ModelRef;

export type StudentPreset = 'tiny-cnn' | 'separable-cnn' | 'mlp';

/** A copy of a LayersModel teacher with fewer filters/units. */
export interface ScaledStudent {
  kind: 'scaled';
  /** Filters/units of every layer × width (rounded, ≥ 1), in (0, 1]; the classifier keeps its classes. */
  width: number;
  /** Layer name → its filters/units (a whole number ≥ 1), instead of the width rule. */
  perLayer?: Record<string, number>;
  /** Drop blocks of layers that repeat the block just before them (same classes, settings and shapes). */
  dropRepeated?: boolean;
  /**
   * Leave out the teacher's dropout layers (sequential teachers): a student a fraction of the
   * teacher's width underfits with them, and the soft targets regularize it instead.
   */
  removeDropout?: boolean;
}

export type StudentSpec =
  | ScaledStudent
  | { kind: 'preset'; preset: StudentPreset }
  /** A library model (e.g. a pruned variant) with the teacher's input and classes, re-trained from its weights. */
  | { kind: 'model'; ref: ModelRef };

export interface DistillConfig {
  teacher: TeacherChoice;
  student: StudentSpec;
  /** Softmax temperature T ≥ 1 for both teacher and student in the soft-target term. */
  temperature: number;
  /** Weight of the hard-label cross-entropy, in [0, 1]; 0 = soft targets only (forced on unlabeled data). */
  alpha: number;
  /** Training of the student (and of the baseline: the same settings). */
  train: TrainSettings;
  /**
   * Seeded ±2 px random shifts of image batches; the teacher then runs on each augmented batch
   * (slower: a teacher pass per step). Off: the teacher's outputs are computed once and cached.
   */
  augment: boolean;
  /** Also train the same student on hard labels alone (labeled data only). */
  baseline: boolean;
}

export const MAX_TEMPERATURE = 100;

/**
 * Share of the scratch → teacher accuracy gap the distilled student closes:
 * (distilled − scratch) ÷ (teacher − scratch). null when any is unknown or there is no gap to close.
 * The one definition the result card, the run's notes and bench F5 use.
 */
export function gapClosed(teacher: number | null, distilled: number | null, scratch: number | null): number | null {
  if (teacher === null || distilled === null || scratch === null || !(teacher > scratch)) return null;
  return (distilled - scratch) / (teacher - scratch);
}

/** The gap closed in words that cannot be misread: below 0 and above 100% say what they mean. */
export function gapClosedLabel(gap: number): string {
  const p = `${Math.round(gap * 100)}%`;
  if (gap < 0) return `${p} (the distilled student scored below the scratch one: the teacher did not help here)`;
  if (gap > 1) return `${p} (the distilled student scored above the teacher)`;
  return p;
}

/** Training a student from scratch, not fine-tuning: Adam 1e-3 for 10 epochs. */
export const DEFAULT_STUDENT_TRAINING: TrainSettings = { epochs: 10, batchSize: 64, learningRate: 0.001, optimizer: 'adam', seed: 1 };

export const DISTILL_DEFAULTS: DistillConfig = {
  teacher: { kind: 'input' },
  student: { kind: 'scaled', width: 0.25, removeDropout: true },
  temperature: 4,
  alpha: 0.5,
  train: DEFAULT_STUDENT_TRAINING,
  augment: false,
  baseline: true,
};

/** Why this config cannot run on an input model of this format (null when it can). */
function unavailableOn(config: DistillConfig, model: { format: 'layers' | 'graph' }): string | null {
  if (model.format === 'graph' && config.teacher.kind === 'input' && config.student.kind === 'scaled') {
    return 'A GraphModel cannot be scaled into a student (its layers are not editable): choose a preset student or a library model. The GraphModel still teaches.';
  }
  return null;
}

export const DISTILL_META: TechniqueMeta<DistillConfig> = {
  id: 'distill',
  label: 'Distill',
  intro:
    'Train a much smaller student to mimic a teacher’s softened outputs (Hinton et al. 2015), with or without labels. The same student is also trained from the same start on labels alone, so you see what the teacher adds. Defaults: a ¼-width copy of the teacher without dropout, T = 4, α = 0.5, 10 epochs; the teacher runs once (its outputs are cached).',
  chartKeys: ['params', 'teacherParams', 'units', 'teacherUnits'],
  defaults: DISTILL_DEFAULTS,
  unavailable: unavailableOn,
  presets: [
    {
      id: 'width-quarter',
      label: 'Width ÷4 student',
      description: 'A copy of the teacher with ¼ of the filters/units in every layer and no dropout (about 10–16× fewer parameters), T = 4, α = 0.5, 10 epochs; a scratch baseline too. On the MNIST teacher sample this beat the scratch student by about a point of validation accuracy.',
      config: DISTILL_DEFAULTS,
    },
    {
      id: 'width-half',
      label: 'Width ÷2 student',
      description: 'Half the filters/units in every layer (about 3–4× fewer parameters): closer to the teacher, smaller gain.',
      config: { ...DISTILL_DEFAULTS, student: { kind: 'scaled', width: 0.5, removeDropout: true } },
    },
    {
      id: 'width-quarter-shifts',
      label: 'Width ÷4 + shifts',
      description: 'The default student with seeded ±2 px shifts of every batch (for both runs): a wider transfer set, but the teacher runs on every batch, so it is several times slower.',
      config: { ...DISTILL_DEFAULTS, augment: true },
    },
    {
      id: 'tiny-cnn',
      label: 'Tiny CNN',
      description: `${STUDENT_PRESETS['tiny-cnn'].architecture}: about 9k parameters on 28×28 digits. Works with any teacher, GraphModels included.`,
      config: { ...DISTILL_DEFAULTS, student: { kind: 'preset', preset: 'tiny-cnn' } },
    },
    {
      id: 'separable-cnn',
      label: 'Separable CNN',
      description: `${STUDENT_PRESETS['separable-cnn'].architecture}: about 4k parameters, cheap depthwise-separable convolutions.`,
      config: { ...DISTILL_DEFAULTS, student: { kind: 'preset', preset: 'separable-cnn' } },
    },
    {
      id: 'mlp',
      label: 'MLP student',
      description: `${STUDENT_PRESETS.mlp.architecture}: for vector inputs or any teacher.`,
      config: { ...DISTILL_DEFAULTS, student: { kind: 'preset', preset: 'mlp' } },
    },
    {
      id: 'unlabeled',
      label: 'Unlabeled images (α = 0)',
      description: 'No labels needed: the student learns from the teacher’s soft targets alone (α = 0). There is no scratch baseline, since nothing else could label the data.',
      config: { ...DISTILL_DEFAULTS, student: { kind: 'preset', preset: 'tiny-cnn' }, alpha: 0, baseline: false },
    },
  ],
  validate: validateDistillConfig,
};

function bad(field: string, expected: string, got: unknown, hint?: string): BonsaiError {
  return new BonsaiError('BAD_CONFIG', `Error in distill settings: ${field} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}.`, hint);
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function checkRef(field: string, ref: unknown, allowInput: boolean): void {
  const kinds = allowInput ? "'input', 'sample' or 'library'" : "'sample' or 'library'";
  if (!isObject(ref)) throw bad(field, `a model reference ({kind: ${kinds}})`, ref);
  if (allowInput && ref.kind === 'input') return;
  if (ref.kind === 'sample' && typeof ref.sampleId === 'string' && ref.sampleId !== '') return;
  if (ref.kind === 'library' && typeof ref.libraryId === 'string' && ref.libraryId !== '') return;
  throw bad(field, `{kind: ${kinds}} with a sampleId / libraryId`, ref, 'Pick the model from the sample list or the library.');
}

function checkStudent(s: unknown): void {
  if (!isObject(s)) throw bad('student', "{kind: 'scaled' | 'preset' | 'model', …}", s);
  switch (s.kind) {
    case 'scaled': {
      if (!isNum(s.width) || s.width <= 0 || s.width > 1) throw bad('student.width', 'a number in (0, 1] (the share of filters/units kept)', s.width, '0.25 keeps a quarter of every layer: roughly 10–16× fewer parameters.');
      if (s.perLayer !== undefined) {
        if (!isObject(s.perLayer)) throw bad('student.perLayer', 'a map of layer name → filters/units', s.perLayer);
        for (const [name, n] of Object.entries(s.perLayer)) {
          if (!isNum(n) || !Number.isInteger(n) || n < 1) throw bad(`student.perLayer.${name}`, 'a whole number ≥ 1 (filters/units)', n);
        }
      }
      if (s.dropRepeated !== undefined && typeof s.dropRepeated !== 'boolean') throw bad('student.dropRepeated', 'true or false', s.dropRepeated);
      if (s.removeDropout !== undefined && typeof s.removeDropout !== 'boolean') throw bad('student.removeDropout', 'true or false', s.removeDropout);
      return;
    }
    case 'preset':
      if (typeof s.preset !== 'string' || !(s.preset in STUDENT_PRESETS)) throw bad('student.preset', `one of ${Object.keys(STUDENT_PRESETS).join(', ')}`, s.preset);
      return;
    case 'model':
      return checkRef('student.ref', s.ref, false);
    default:
      throw bad('student.kind', "'scaled', 'preset' or 'model'", s.kind);
  }
}

/** Returns the config unchanged, or throws BAD_CONFIG naming the first field out of range. */
export function validateDistillConfig(config: DistillConfig): DistillConfig {
  const c = config as unknown;
  if (!isObject(c)) throw bad('settings', 'an object', c, 'Start from the defaults.');
  checkRef('teacher', c.teacher, true);
  checkStudent(c.student);
  if (!isNum(c.temperature) || c.temperature < 1 || c.temperature > MAX_TEMPERATURE) {
    throw bad('temperature', `a number from 1 to ${MAX_TEMPERATURE}`, c.temperature, 'T = 1 is the plain softmax; 2–8 usually works best.');
  }
  if (!isNum(c.alpha) || c.alpha < 0 || c.alpha > 1) throw bad('alpha', 'a number in [0, 1]', c.alpha, 'α weighs the hard labels: 0 = soft targets only, 1 = no teacher at all.');
  try {
    checkTrainSettings(c.train, 'train.');
  } catch (e) {
    if (e instanceof TrainSettingsError) throw bad(e.field, e.expected, e.got, e.hint);
    throw e;
  }
  if (typeof c.augment !== 'boolean') throw bad('augment', 'true or false', c.augment);
  if (typeof c.baseline !== 'boolean') throw bad('baseline', 'true or false', c.baseline);
  return config;
}
