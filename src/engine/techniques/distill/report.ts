/** The words and the per-layer table of a distillation result. */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { LoadedModel } from '../../model/loaded';
import type { LayerReportRow } from '../types';
import { gapClosed, gapClosedLabel, type DistillConfig } from './meta';
import type { BuiltStudent } from './students';
import { OUTPUT_KIND_WORDS, type TeacherOutputKind } from './teacher-logits';
import { MAX_SHIFT_PX } from '../../data/augment';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const count = (n: number) => n.toLocaleString('en-US');
const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1) + '.';

/** Units/filters a layer sets, or null. */
function widthOf(layer: { getConfig(): unknown }): number | null {
  const c = layer.getConfig() as { units?: unknown; filters?: unknown };
  return typeof c.units === 'number' ? c.units : typeof c.filters === 'number' ? c.filters : null;
}

/** One row per student layer with weights, beside the teacher layer it was scaled from. */
export function studentRows(student: LayersModel, built: BuiltStudent, teacher: LoadedModel): LayerReportRow[] {
  return student.layers
    .filter((l) => l.countParams() > 0)
    .map((l) => {
      const name = built.teacherLayer.get(l.name);
      const t = name && teacher.format === 'layers' ? teacher.model.layers.find((x) => x.name === name) : undefined;
      return {
        layer: l.name,
        type: l.getClassName(),
        params: l.countParams(),
        teacherParams: t ? t.countParams() : null,
        units: widthOf(l),
        teacherUnits: t ? widthOf(t) : null,
      };
    });
}

export interface RunFacts {
  cfg: DistillConfig;
  teacherKind: TeacherOutputKind;
  studentParams: number;
  teacherParams: number;
  built: BuiltStudent;
  labeled: boolean;
  /** Augmentation asked for but not applicable to this data: its per-example shape. */
  augmentSkippedShape: number[] | null;
  augmented: boolean;
  baseline: 'trained' | 'off' | 'unlabeled';
  hasDropout: boolean;
  validation: { count: number; teacher: number | null; distilled: number | null; scratch: number | null } | null;
}

export function distillNotes(f: RunFacts): string[] {
  const { cfg } = f;
  const notes: string[] = [];
  const alpha = f.labeled ? cfg.alpha : 0;
  notes.push(`Loss: α·CE(labels) + (1 − α)·T²·KL(teacher_T ‖ student_T) (Hinton et al. 2015) with T = ${cfg.temperature}, α = ${alpha}.`);
  if (!f.labeled) notes.push(`Unlabeled data: the student learns from the teacher's soft targets alone (α = 0${cfg.alpha !== 0 ? `, not the ${cfg.alpha} set` : ''}).`);
  notes.push(sentence(OUTPUT_KIND_WORDS[f.teacherKind]));
  const ratio = f.teacherParams / f.studentParams;
  if (f.studentParams >= f.teacherParams) {
    notes.push(`Warning: the student (${count(f.studentParams)} parameters) is not smaller than the teacher (${count(f.teacherParams)}); distilling will not make the model smaller.`);
  } else {
    notes.push(`Student: ${count(f.studentParams)} parameters (${f.built.description}); teacher: ${count(f.teacherParams)} — ${ratio.toFixed(1)}× fewer.`);
  }
  if (f.built.dropped.length) notes.push(`Dropped as repeats of the block before them: ${f.built.dropped.join(', ')}.`);
  notes.push(...f.built.notes);
  if (f.augmented) notes.push(`Augmentation: seeded ±${MAX_SHIFT_PX} px shifts; the teacher runs on each augmented batch.`);
  else notes.push("No augmentation: the teacher's outputs were computed once and cached.");
  if (f.augmentSkippedShape) notes.push(`Augmentation skipped: shifts apply to images, and this data is [${f.augmentSkippedShape.join(', ')}] per example.`);
  if (f.baseline === 'trained') {
    notes.push(`Scratch baseline: the same student from the same initial weights, with the same data order and budget (${cfg.train.epochs} epoch${cfg.train.epochs > 1 ? 's' : ''}), on hard labels only.`);
    if (f.hasDropout) notes.push('Dropout masks are not seeded, so the two runs differ in them.');
  } else if (f.baseline === 'unlabeled') {
    notes.push('No scratch baseline: the data has no labels, so the student cannot be trained without the teacher.');
  } else {
    notes.push('No scratch baseline (turned off): the gain over training without the teacher is not measured.');
  }
  const v = f.validation;
  if (v && v.teacher !== null && v.distilled !== null) {
    const parts = [`teacher ${pct(v.teacher)}`, `distilled ${pct(v.distilled)}`];
    if (v.scratch !== null) parts.push(`scratch ${pct(v.scratch)}`);
    const gap = gapClosed(v.teacher, v.distilled, v.scratch);
    notes.push(`Validation accuracy (${count(v.count)} examples carved from the training split): ${parts.join(', ')}${gap !== null ? ` — gap closed ${gapClosedLabel(gap)}` : ''}.`);
  }
  return notes;
}
