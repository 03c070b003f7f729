/**
 * The recipe runner: an ordered list of technique steps run as one job, each step on the previous
 * step's variant. It owns what it opens — intermediate models and models a step resolves (a
 * teacher) — and disposes them on every path. Results reach the caller through `onOutput`, in
 * order: what a step emits while it runs, then the last step's own result (`final: true`).
 */
import { BonsaiError } from '../errors';
import { disposeLoaded, loadPrepared } from '../model/load';
import type { LoadedModel } from '../model/loaded';
import type { ModelRef } from '../model/types';
import { prepareModel } from '../model/validate';
import { throwIfAborted } from '../runtime/yield';
import type { RunContext, Technique, TechniqueContext, TechniqueData, TechniqueOutput } from '../techniques/types';
import type { TechniqueStep } from './report-types';

export type TechniqueRegistry = Record<string, Technique<unknown>>;

export interface OutputInfo {
  /** 0-based index of the step that produced it. */
  stepIndex: number;
  /** true for the recipe's own result (the last step's returned output). */
  final: boolean;
  /**
   * true for a step's variant inside a recipe (every step but the last): a node of the variant
   * tree, the parent of the next step's result. Its `steps` is its own step only.
   */
  intermediate?: boolean;
  /** The steps that made it: all steps for the final output, steps up to this one for emitted ones. */
  steps: TechniqueStep[];
  /** In words: every step's description joined with " → ". */
  step: string;
}

export interface RecipeOptions extends TechniqueContext {
  input: LoadedModel;
  steps: TechniqueStep[];
  data: TechniqueData;
  registry: TechniqueRegistry;
  /** Open a model by reference (a teacher): the runner disposes it when its step ends. */
  openRef(ref: ModelRef): Promise<LoadedModel>;
  /** The input's display name (the open model's, e.g. "lenet-5"). */
  inputName?: string;
  /** Display names of models openRef opened (library or sample names). */
  refName?(model: LoadedModel): string | undefined;
  onOutput(output: TechniqueOutput, info: OutputInfo): Promise<void>;
  /** Passed to each step's context (see RunContext.live / .cache). */
  live?: RunContext['live'];
  cache?: RunContext['cache'];
  spawnPool?: RunContext['spawnPool'];
}

export function techniqueOf(registry: TechniqueRegistry, id: string): Technique<unknown> {
  const technique = Object.prototype.hasOwnProperty.call(registry, id) ? registry[id] : undefined;
  if (!technique) {
    throw new BonsaiError('BAD_CONFIG', `Error in recipe: unknown technique "${id}".`, `Known techniques: ${Object.keys(registry).join(', ')}.`);
  }
  return technique;
}

export async function runRecipe(opts: RecipeOptions): Promise<TechniqueOutput> {
  const { steps, registry } = opts;
  if (steps.length === 0) throw new BonsaiError('BAD_CONFIG', 'Nothing to run: the recipe has no steps.', 'Pick a preset or add a step.');
  // Validate every step before any work: a typo in step 3 should not cost the fine-tune of step 1.
  const configs = steps.map((s) => techniqueOf(registry, s.technique).meta.validate(s.config));
  let current = opts.input;
  // Inside a recipe a later step's input is the previous step's variant: "lenet-5 · 90% sparse".
  let currentName = opts.inputName;
  const descriptions: string[] = [];
  /** Index of the last step whose variant was handed out as a node (-1: none yet). */
  let lastNode = -1;
  const notes: string[] = [];
  try {
    for (const [i, s] of steps.entries()) {
      throwIfAborted(opts.signal);
      const technique = techniqueOf(registry, s.technique);
      const prefix = steps.length > 1 ? `Step ${i + 1}/${steps.length} (${technique.meta.label}): ` : '';
      const opened: LoadedModel[] = [];
      const stepsSoFar = steps.slice(0, i + 1);
      let output: TechniqueOutput;
      try {
        output = await technique.run(
          {
            input: current,
            data: opts.data,
            signal: opts.signal,
            progress: (phase, done, total, point) => opts.progress(prefix + phase, done, total, point),
            resolveModel: async (ref) => {
              const m = await opts.openRef(ref);
              opened.push(m);
              return m;
            },
            live: opts.live,
            cache: opts.cache,
            spawnPool: opts.spawnPool,
            nameOf: (m) => (m === current ? currentName : opts.refName?.(m)),
            emit: (emitted) => opts.onOutput(emitted, { stepIndex: i, final: false, steps: stepsSoFar, step: [...descriptions, emitted.step].join(' → ') }),
          },
          configs[i],
        );
      } finally {
        for (const m of opened) disposeLoaded(m);
      }
      descriptions.push(output.step);
      notes.push(...output.notes);
      const last = i === steps.length - 1;
      if (last) {
        const final = { ...output, notes: [...new Set(notes)] } as TechniqueOutput;
        // After a node, the result is that node's child: its own step only (a share link replays it on its parent).
        const own = lastNode >= 0 ? { steps: steps.slice(lastNode + 1), step: descriptions.slice(lastNode + 1).join(' → ') } : { steps, step: descriptions.join(' → ') };
        await opts.onOutput(final, { stepIndex: i, final: true, ...own });
        return final;
      }
      if (output.kind === 'variant') {
        // Each step's variant is a node of the tree; the next step's result is its child.
        await opts.onOutput(output, { stepIndex: i, final: false, intermediate: true, steps: steps.slice(lastNode + 1, i + 1), step: descriptions.slice(lastNode + 1).join(' → ') });
        lastNode = i;
        const next = await loadPrepared(prepareModel(output.files));
        if (current !== opts.input) disposeLoaded(current);
        current = next;
        currentName = currentName ? `${currentName} · ${output.name}` : undefined;
      } else {
        // A report changes no model: the next step runs on the same input. It still reaches the caller.
        await opts.onOutput(output, { stepIndex: i, final: false, steps: stepsSoFar, step: output.step });
      }
    }
  } finally {
    if (current !== opts.input) disposeLoaded(current);
  }
  throw new BonsaiError('INTERNAL', 'Error in recipe: no step produced a result.');
}
