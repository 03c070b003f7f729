/** The prune plug-in: every method makes a variant, except the sensitivity scan, which is a report. */
import { reportOutput, variantOutput, type ReportOutput, type RunContext, type Technique } from '../types';
import { PRUNE_META, SENSITIVITY_RATIOS, validatePruneConfig, type PruneConfig, type SensitivityConfig } from './meta';
import { runPrune } from './run';
import { sensitivityScan } from './sensitivity';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Each prunable layer pruned alone at each ratio, without fine-tuning, measured on validation. */
export async function sensitivityReport(ctx: RunContext, cfg: SensitivityConfig): Promise<ReportOutput> {
  const rows = await sensitivityScan(ctx.input, ctx.data, {
    ratios: cfg.ratios ?? SENSITIVITY_RATIOS,
    method: cfg.scan,
    skip: cfg.skip,
    minLayerParams: cfg.minLayerParams,
    signal: ctx.signal,
    progress: ctx.progress,
  });
  const metricName = rows[0]?.metricName ?? 'accuracy';
  const baseline = rows.find((r) => r.ratio === 0)?.metric ?? null;
  const worst = [...rows].sort((a, b) => a.metric - b.metric)[0];
  const what = cfg.scan === 'filters' ? 'filters/units' : 'weights';
  return {
    title: `Sensitivity scan (${what})`,
    step: `sensitivity scan: each layer's ${what} pruned alone, no fine-tuning, ${metricName} on the validation split`,
    perLayer: rows.map((r) => ({ layer: r.layer, ratio: r.ratio, metric: r.metric, metricName: r.metricName })),
    notes: [
      `Each layer is pruned alone at ${(cfg.ratios ?? SENSITIVITY_RATIOS).map(pct).join(', ')} and measured without fine-tuning; ${metricName === 'accuracy' ? 'accuracy' : 'top-1 agreement with the unpruned model (no labels)'} on up to 1,000 validation examples carved from the training split.`,
      ...(worst && baseline !== null ? [`Most sensitive probe: ${worst.layer} at ${pct(worst.ratio)} → ${pct(worst.metric)} (unpruned ${pct(baseline)}).`] : []),
    ],
    values: { baseline },
  };
}

export const PRUNE: Technique<PruneConfig> = {
  meta: PRUNE_META,
  async run(ctx, config) {
    const cfg = validatePruneConfig(config);
    if (cfg.method === 'sensitivity') return reportOutput(await sensitivityReport(ctx, cfg));
    return variantOutput(await runPrune(ctx.input, cfg, ctx.data, ctx));
  },
};
