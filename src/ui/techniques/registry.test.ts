import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { TECHNIQUE_CATALOG, type AnyTechniqueMeta } from '../../engine/techniques/catalog';
import { SCALE_META } from '../../engine/pipeline/test-utils/throwaway-technique';
import { viewTabs } from '../App';
import { GenericOptions } from './GenericOptions';
import { techniqueTabs } from './registry';
import { TechniquePanel } from './TechniquePanel';

describe('technique tabs come from the catalog', () => {
  it('every catalog technique is a tab between Train and Benchmark, with its own Options form', () => {
    const tabs = viewTabs();
    expect(tabs.map((t) => t.id)).toEqual(['summary', 'evaluate', 'train', ...Object.keys(TECHNIQUE_CATALOG), 'benchmark', 'compare']);
    expect(techniqueTabs().every((t) => t.Options !== GenericOptions)).toBe(true);
  });

  it('a throwaway technique added to a catalog appears as a tab and renders with the generic form — no other file touched', () => {
    const catalog: Record<string, AnyTechniqueMeta> = { ...TECHNIQUE_CATALOG, scale: SCALE_META as AnyTechniqueMeta };
    const tabs = techniqueTabs(catalog);
    const scale = tabs.find((t) => t.id === 'scale')!;
    expect(viewTabs(tabs).map((t) => t.label)).toContain('Scale weights');
    expect(scale.Options).toBe(GenericOptions);
    const html = renderToString(createElement(TechniquePanel, { tab: scale })).replaceAll('<!-- -->', '');
    expect(html).toContain('Scale weights');
    expect(html).toContain(SCALE_META.intro);
    expect(html).toContain('Run scale weights');
    expect(html).toContain('data-testid="generic-options"');
    expect(html).toMatch(/<span>factor<\/span><input type="number"[^>]*value="0.5"/);
  });

  it('a preset that cannot run on the open model is disabled with the reason', () => {
    const prune = techniqueTabs().find((t) => t.id === 'prune')!;
    expect(prune.meta.unavailable?.(prune.meta.presets[0].config, { format: 'graph' })).toMatch(/GraphModel/);
    const oneShot = prune.meta.presets.find((p) => p.id === 'one-shot-50')!;
    expect(prune.meta.unavailable?.(oneShot.config, { format: 'graph' })).toBeNull();
  });
});
