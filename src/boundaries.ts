/**
 * The main thread's import boundary (DESIGN.md §1): code that runs in the page — src/ui,
 * src/store and what they import — never imports TF.js, and takes from the engine only UI-safe
 * modules: meta (labels, configs, validation), types, errors, the technique catalog. Checked on
 * the source by boundaries.test.ts (a test, not a grep in the bench).
 */

/**
 * Engine modules the page may import at run time: meta, types, errors, the catalog, and the
 * import size limits the page checks on File.size before reading a byte (plain arithmetic), and
 * the search space and Pareto arithmetic the Search view draws with (plain data, no TF.js).
 */
export const UI_SAFE_ENGINE = [/\/meta\.ts$/, /\/types\.ts$/, /-types\.ts$/, /\/errors\.ts$/, /\/catalog\.ts$/, /\/engine\/model\/(size-checks|limits)\.ts$/, /\/engine\/techniques\/search\/(space|pareto)\.ts$/];

export interface ImportEdge {
  from: string;
  specifier: string;
  typeOnly: boolean;
}

/** The import and export-from specifiers of one TS/TSX source, with whether each is type-only. */
export function importsOf(source: string): { specifier: string; typeOnly: boolean }[] {
  const out: { specifier: string; typeOnly: boolean }[] = [];
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) {
    if (m[4]) {
      // `import { type A, type B }` is type-only too.
      const names = m[3].replace(/[{}]/g, '').split(',').map((x) => x.trim()).filter(Boolean);
      const allTypes = names.length > 0 && names.every((n) => n.startsWith('type '));
      out.push({ specifier: m[4], typeOnly: !!m[2] || allTypes });
    } else if (m[5]) out.push({ specifier: m[5], typeOnly: false });
    else if (m[6]) out.push({ specifier: m[6], typeOnly: false });
  }
  return out;
}

/**
 * Walk runtime imports from `entries` through `files` (path → source; relative specifiers
 * resolved with .ts/.tsx/index), and list every violation: a TF.js import reached from the page,
 * or an engine module outside UI_SAFE_ENGINE.
 */
export function boundaryViolations(files: Map<string, string>, entries: string[]): string[] {
  const resolve = (from: string, spec: string): string | null => {
    if (!spec.startsWith('.')) return null;
    const dir = from.slice(0, from.lastIndexOf('/'));
    const parts: string[] = [];
    for (const p of `${dir}/${spec}`.split('/')) {
      if (p === '..') parts.pop();
      else if (p !== '.' && p !== '') parts.push(p);
    }
    const base = (from.startsWith('/') ? '/' : '') + parts.join('/');
    for (const c of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) if (files.has(c)) return c;
    return null;
  };
  const seen = new Set<string>();
  const violations: string[] = [];
  const stack = [...entries];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const { specifier, typeOnly } of importsOf(files.get(file) ?? '')) {
      if (typeOnly) continue;
      if (specifier.startsWith('@tensorflow/')) {
        violations.push(`${file} imports ${specifier}: TF.js belongs in the worker`);
        continue;
      }
      const target = resolve(file, specifier);
      if (!target) continue;
      // The page's own files may enter the engine only through UI-safe modules; inside the engine,
      // a meta module's helpers (e.g. a size estimate) are fine as long as no TF.js is reached.
      if (target.includes('/engine/') && !file.includes('/engine/') && !UI_SAFE_ENGINE.some((r) => r.test(target))) {
        violations.push(`${file} imports ${target}: the page may import only the engine's meta, types, errors and catalog`);
        continue;
      }
      if (target.includes('/worker/') && !/\/worker\/(client|protocol)\.ts$/.test(target)) {
        violations.push(`${file} imports ${target}: the page talks to the worker through client.ts and protocol.ts only`);
        continue;
      }
      stack.push(target);
    }
  }
  return violations;
}
