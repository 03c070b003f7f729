/**
 * The UI side of the technique plug-ins: each catalog entry (engine/techniques/catalog.ts) is a
 * tab; a technique with its own Options form names it here (one line), any other gets
 * GenericOptions. Nothing else in the UI lists techniques.
 */
import { createElement, lazy, Suspense, type ReactNode } from 'react';
import { TECHNIQUE_CATALOG, type AnyTechniqueMeta } from '../../engine/techniques/catalog';
import type { VariantRecord } from '../../share/records';
import { GenericOptions } from './GenericOptions';
import type { OptionsComponent } from './options';
import { DistillOptions } from './DistillOptions';
import { DistillResult } from './DistillResult';
import { PruneOptions } from './PruneOptions';
import { QuantizeOptions } from './QuantizeOptions';
import { SearchOptions } from '../search/SearchOptions';

const OPTIONS: Record<string, OptionsComponent<never>> = {
  prune: PruneOptions,
  quantize: QuantizeOptions,
  distill: DistillOptions,
  search: SearchOptions,
};

/** What a technique adds under its result card (e.g. distillation's scratch baseline and gap closed). */
const RESULTS: Record<string, (props: { record: VariantRecord }) => ReactNode> = {
  distill: DistillResult,
};

/** The search's live view is loaded when its tab first shows (it is most of the Search tab's code). */
const LazySearchView = lazy(() => import('../search/SearchView').then((m) => ({ default: m.SearchView })));

/** A technique's own live view, shown while it runs and after (e.g. the search's scatter and table). */
const LIVE: Record<string, () => ReactNode> = {
  search: () => createElement(Suspense, { fallback: createElement('p', { className: 'muted' }, 'Loading the search view…') }, createElement(LazySearchView)),
};

export interface TechniqueTab {
  id: string;
  label: string;
  meta: AnyTechniqueMeta;
  Options: OptionsComponent;
  Result?: (props: { record: VariantRecord }) => ReactNode;
  Live?: () => ReactNode;
}

/** The technique tabs, in catalog order. A catalog can be passed in (tests add a throwaway one). */
export function techniqueTabs(catalog: Record<string, AnyTechniqueMeta> = TECHNIQUE_CATALOG): TechniqueTab[] {
  return Object.entries(catalog).map(([id, meta]) => ({
    id,
    label: meta.label,
    meta,
    Options: (OPTIONS[id] as OptionsComponent | undefined) ?? GenericOptions,
    Result: RESULTS[id],
    Live: LIVE[id],
  }));
}
