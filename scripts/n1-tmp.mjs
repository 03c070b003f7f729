import { withPreviewServer, withBrowser } from './bench/browser.mjs';
import { figureN1 } from './bench/search-pool.mjs';
const quick = process.argv.includes('--quick');
const f = await withPreviewServer((baseURL) => withBrowser((b) => figureN1(b, baseURL, { quick })));
console.log(JSON.stringify(f, null, 2));
process.exit(0);
