/**
 * Read/upsert public/samples/index.json, the manifest of built-in sample models (shared by
 * scripts/train-samples.mjs and scripts/make-graph-fixture.mjs).
 *
 * Entry fields: id, name, description, format ('layers' | 'graph'), path (model.json, relative to
 * the site root), inputShape (per example, no batch dim), architecture, params, testAccuracy (top-1
 * on the 2,000 MNIST-10k test images), seed, epochs, batchSize, optimizer, trainSeconds, trainedOn,
 * dataset; fixtures (not for the sample picker) add fixture: true and derivedFrom.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SAMPLES_DIR = path.join(ROOT, 'public/samples');
export const INDEX_FILE = path.join(SAMPLES_DIR, 'index.json');

export function readIndex() {
  return existsSync(INDEX_FILE) ? JSON.parse(readFileSync(INDEX_FILE, 'utf8')) : [];
}

/** Upsert entries by id; picker samples first, fixtures last, otherwise in insertion order. */
export function writeIndex(entries) {
  const index = readIndex();
  for (const e of entries) {
    const i = index.findIndex((x) => x.id === e.id);
    if (i >= 0) index[i] = e;
    else index.push(e);
  }
  index.sort((a, b) => Number(!!a.fixture) - Number(!!b.fixture));
  mkdirSync(SAMPLES_DIR, { recursive: true });
  writeFileSync(INDEX_FILE, JSON.stringify(index, null, 2) + '\n');
}
