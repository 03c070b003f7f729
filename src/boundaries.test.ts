import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaryViolations, importsOf } from './boundaries';

const SRC = path.resolve(__dirname);

function sources(dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.set(p, readFileSync(p, 'utf8'));
  }
  return out;
}

describe('the page never imports TF.js and takes only UI-safe engine modules', () => {
  it('holds for src/main.tsx, src/ui and src/store today', () => {
    const files = sources(SRC);
    const entries = [...files.keys()].filter((f) => /\/src\/(main\.tsx|ui\/|store\/)/.test(f));
    expect(entries.length).toBeGreaterThan(20);
    expect(boundaryViolations(files, entries)).toEqual([]);
  });

  it('fails when a UI file imports TF.js, directly or through an engine module', () => {
    const files = new Map([
      ['/src/ui/Bad.tsx', "import { Foo } from './Foo';\nimport * as tf from '@tensorflow/tfjs-core';"],
      ['/src/ui/Foo.tsx', "import { summarize } from '../engine/metrics/summary';\nimport type { X } from '../engine/model/loaded';"],
      ['/src/engine/metrics/summary.ts', "import * as tf from '@tensorflow/tfjs-core';"],
      ['/src/ui/Ok.tsx', "import { PRUNE_META } from '../engine/techniques/prune/meta';\nimport { type A, type B } from '../engine/model/loaded';"],
      ['/src/engine/techniques/prune/meta.ts', "import { BonsaiError } from '../../errors';\nimport { estimate } from './size';"],
      ['/src/engine/techniques/prune/size.ts', "export const estimate = 1;"],
      ['/src/ui/Sneaky.tsx', "import { PRUNE_META } from '../engine/techniques/prune/meta';"],
      ['/src/engine/techniques/prune/leaky-meta.ts', ''],
      ['/src/engine/errors.ts', ''],
    ]);
    expect(boundaryViolations(files, ['/src/ui/Bad.tsx'])).toEqual([
      '/src/ui/Bad.tsx imports @tensorflow/tfjs-core: TF.js belongs in the worker',
      '/src/ui/Foo.tsx imports /src/engine/metrics/summary.ts: the page may import only the engine\'s meta, types, errors and catalog',
    ]);
    expect(boundaryViolations(files, ['/src/ui/Ok.tsx'])).toEqual([]);
    // A meta module that pulls in TF.js through a helper is caught too.
    files.set('/src/engine/techniques/prune/size.ts', "import * as tf from '@tensorflow/tfjs-core';");
    expect(boundaryViolations(files, ['/src/ui/Sneaky.tsx'])).toEqual(['/src/engine/techniques/prune/size.ts imports @tensorflow/tfjs-core: TF.js belongs in the worker']);
  });

  it('reads import, export-from, side-effect and dynamic imports', () => {
    expect(importsOf("import a from 'x';\nexport { b } from './y';\nimport './z';\nconst m = import('./w');\nimport type { T } from './t';")).toEqual([
      { specifier: 'x', typeOnly: false },
      { specifier: './y', typeOnly: false },
      { specifier: './z', typeOnly: false },
      { specifier: './w', typeOnly: false },
      { specifier: './t', typeOnly: true },
    ]);
  });
});
