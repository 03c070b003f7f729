/**
 * The preset students as plain data (no tf import: the UI shows their size before training, and
 * students.ts builds exactly these layers). Each preset fits an input shape: the CNNs need an
 * image [height, width, channels]; the MLP takes anything (it flattens).
 */
import { BonsaiError } from '../../errors';
import type { StudentPreset } from './meta';

export type PresetLayer =
  | { type: 'conv'; filters: number; kernel: number }
  | { type: 'separable'; filters: number; kernel: number }
  | { type: 'maxpool'; size: number }
  | { type: 'global-average-pool' }
  | { type: 'flatten' }
  /** Hidden layers use ReLU; the head has `classes` units and the teacher's output form. */
  | { type: 'dense'; units: number; head?: boolean };

export interface PresetInfo {
  label: string;
  /** In words, for the student picker. */
  architecture: string;
  needsImage: boolean;
}

export const STUDENT_PRESETS: Record<StudentPreset, PresetInfo> = {
  'tiny-cnn': {
    label: 'Tiny CNN',
    architecture: 'Conv 8@3×3 ReLU → MaxPool 2 → Conv 16@3×3 ReLU → MaxPool 2 → Flatten → Dense (classes)',
    needsImage: true,
  },
  'separable-cnn': {
    label: 'Depthwise-separable CNN',
    architecture: 'Conv 16@3×3 ReLU → MaxPool 2 → SeparableConv 32@3×3 ReLU → MaxPool 2 → SeparableConv 64@3×3 ReLU → GlobalAvgPool → Dense (classes)',
    needsImage: true,
  },
  mlp: {
    label: 'MLP',
    architecture: 'Flatten → Dense 64 ReLU → Dense (classes)',
    needsImage: false,
  },
};

const PRESET_LAYERS: Record<StudentPreset, PresetLayer[]> = {
  'tiny-cnn': [
    { type: 'conv', filters: 8, kernel: 3 },
    { type: 'maxpool', size: 2 },
    { type: 'conv', filters: 16, kernel: 3 },
    { type: 'maxpool', size: 2 },
    { type: 'flatten' },
  ],
  'separable-cnn': [
    { type: 'conv', filters: 16, kernel: 3 },
    { type: 'maxpool', size: 2 },
    { type: 'separable', filters: 32, kernel: 3 },
    { type: 'maxpool', size: 2 },
    { type: 'separable', filters: 64, kernel: 3 },
    { type: 'global-average-pool' },
  ],
  mlp: [{ type: 'flatten' }, { type: 'dense', units: 64 }],
};

/** Why this preset cannot take inputs of this per-example shape (null when it can). */
export function presetUnavailable(preset: StudentPreset, inputShape: readonly number[]): string | null {
  if (!STUDENT_PRESETS[preset].needsImage) return null;
  const [h, w, c] = inputShape;
  if (inputShape.length !== 3 || !(h >= 4 && w >= 4 && c >= 1)) {
    return `The ${STUDENT_PRESETS[preset].label} preset needs image inputs [height ≥ 4, width ≥ 4, channels]; this data comes as [${inputShape.join(', ')}]. Choose the MLP preset.`;
  }
  return null;
}

/** The preset's layers for this input and class count; the last is the classifier head. */
export function presetLayers(preset: StudentPreset, inputShape: readonly number[], classes: number): PresetLayer[] {
  const why = presetUnavailable(preset, inputShape);
  if (why) throw new BonsaiError('BAD_CONFIG', `Error in distill settings: student.preset '${preset}' cannot be used here. ${why}`, 'Choose the MLP preset, a scaled copy of the teacher, or a library model.');
  // A vector input is already flat: TF.js's Flatten refuses rank-2 batches ([batch, features]).
  const layers = inputShape.length === 1 ? PRESET_LAYERS[preset].filter((l) => l.type !== 'flatten') : PRESET_LAYERS[preset];
  return [...layers, { type: 'dense', units: classes, head: true }];
}

export interface StudentSize {
  params: number;
  /** At batch 1, 2 × multiply-adds (the convention of metrics/flops.ts). */
  flops: number;
}

/** Exact parameters and FLOPs of a preset student (the same count tf reports for the built model). */
export function presetSize(preset: StudentPreset, inputShape: readonly number[], classes: number): StudentSize {
  let shape = [...inputShape];
  let params = 0;
  let macs = 0;
  for (const l of presetLayers(preset, inputShape, classes)) {
    const c = shape[shape.length - 1];
    switch (l.type) {
      case 'conv': {
        shape = [shape[0], shape[1], l.filters]; // 'same' padding
        params += l.kernel * l.kernel * c * l.filters + l.filters;
        macs += shape[0] * shape[1] * l.filters * l.kernel * l.kernel * c;
        break;
      }
      case 'separable': {
        shape = [shape[0], shape[1], l.filters];
        params += l.kernel * l.kernel * c + c * l.filters + l.filters;
        macs += shape[0] * shape[1] * (l.kernel * l.kernel * c + c * l.filters);
        break;
      }
      case 'maxpool':
        shape = [Math.floor(shape[0] / l.size), Math.floor(shape[1] / l.size), c];
        break;
      case 'global-average-pool':
        shape = [c];
        break;
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'dense': {
        params += c * l.units + l.units;
        macs += (shape.length > 1 ? shape.slice(0, -1).reduce((a, b) => a * b, 1) : 1) * c * l.units;
        shape = [...shape.slice(0, -1), l.units];
        break;
      }
    }
  }
  return { params, flops: 2 * macs };
}
