import { useNodeBackend } from './node-engine';
import { mulberry32 } from '../src/engine/runtime/random';
import { archLayers } from '../src/engine/techniques/search/layers';
import { LatencyTable, layerConfigKey, memoryCache } from '../src/engine/techniques/search/latency-table';
import { sampleValid } from '../src/engine/techniques/search/operators';
import { deriveSpace, archKey } from '../src/engine/techniques/search/space';
await useNodeBackend('wasm');
const space = deriveSpace([28,28,1], 10);
const rng = mulberry32(13);
const cache = memoryCache();
const table = new LatencyTable(cache, 'x');
for (let i = 0; i < 3; i++) {
  const arch = sampleValid(space, { maxParams: 300_000 }, rng);
  const layers = archLayers(arch, space);
  const p = await table.predict(layers, [28,28,1], 1);
  console.log(archKey(arch), p);
  for (const l of layers) console.log('  ', l.kind, l.inShape.join('x'), await cache.get('x|' + layerConfigKey(l, 1)));
}
