import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * F11: what the main thread downloads before it is interactive — index.html, its entry script,
 * modulepreloads and CSS — gzip -9. The engine worker (with TF.js) is a separate chunk.
 */
export function figureF11(dist) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  const files = ['index.html', ...new Set(refs)];
  let gzipBytes = 0;
  const detail = {};
  let tfjsInMain = false;
  for (const f of files) {
    const bytes = readFileSync(join(dist, f));
    const gz = gzipSync(bytes, { level: 9 }).length;
    detail[f] = gz;
    gzipBytes += gz;
    if (f.endsWith('.js') && /tfjs-core|registerKernel\(|The kernel '/.test(bytes.toString('utf8'))) tfjsInMain = true;
  }
  const kb = Math.round((gzipBytes / 1000) * 10) / 10;
  return {
    id: 'F11',
    name: 'main bundle without TF.js, gzip',
    value: kb,
    unit: 'KB',
    target: '≤ 150 KB',
    anchor: '—',
    pass: kb <= 150 && !tfjsInMain,
    detail: { files: detail, tfjsInMainBundle: tfjsInMain },
  };
}
