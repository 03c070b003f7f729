#!/usr/bin/env -S npx tsx
/**
 * `npm run make-bad-corpus`: writes the bad-input corpus (scripts/bad-corpus/*-cases.ts) to
 * e2e/fixtures/bad-corpus/: one folder per case holding its files, and manifest.json listing every
 * case with its expected outcome. Cases too large to commit are listed with a recipe instead of
 * files. The output is byte-identical on every run (a test checks the committed copy is current).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { allCorpusCases, CORPUS_DIR } from './bad-corpus/cases';
import { corpusManifest } from './bad-corpus/read';

const cases = allCorpusCases();
rmSync(CORPUS_DIR, { recursive: true, force: true });
for (const c of cases) {
  for (const f of c.files ?? []) {
    const target = path.join(CORPUS_DIR, c.id, f.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, f.bytes);
  }
}
writeFileSync(path.join(CORPUS_DIR, 'manifest.json'), JSON.stringify(corpusManifest(cases), null, 1) + '\n');
const files = cases.reduce((n, c) => n + (c.files?.length ?? 0), 0);
console.log(`bad-input corpus: ${cases.length} cases (${files} files, ${cases.filter((c) => c.recipe).length} made by recipes) in ${CORPUS_DIR}`);
