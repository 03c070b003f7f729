/** F4: PTQ uint8 of LeNet-5, stored-size ratio and accuracy loss. */
import { modelJsonBytes } from '../../../src/engine/model/compact/model-json';
import type { InputFile } from '../../../src/engine/model/types';
import { QUICK, log, pts, round, type Ctx, type Figure, withinBound } from './common';
import { accuracyOfFiles, gzipBytes, modelJson, quantize, sampleFiles, stockAccuracy, storedBytes } from './models';

/** Bytes of the weight shards alone (everything but model.json). */
const weightBytes = (files: InputFile[]) => storedBytes(files.filter((f) => f.path !== 'model.json'));

/** The float32 files as Bonsai exports them by default: model.json compacted, weights as stored. */
const compactFloat32 = (files: InputFile[]) =>
  files.map((f) => (f.path === 'model.json' ? { path: f.path, bytes: modelJsonBytes(JSON.parse(new TextDecoder().decode(f.bytes))) } : f));

export async function figureF4(c: Ctx): Promise<Figure> {
  log('F4: LeNet-5 → PTQ uint8');
  const base = sampleFiles('lenet-5');
  const q = await quantize(base, { method: 'ptq', default: 'uint8' });
  const [accBase, accQ] = [await accuracyOfFiles(base, c.test), await accuracyOfFiles(q, c.test)];
  const stockQ = await stockAccuracy(q, c.test);
  const ratio = storedBytes(base) / storedBytes(q);
  const ratioVsCompactFloat32 = storedBytes(compactFloat32(base)) / storedBytes(q);
  const lossPts = (accBase - accQ) * 100;
  log(`F4: stored ${storedBytes(base)} → ${storedBytes(q)} B (${ratio.toFixed(2)}×; ${ratioVsCompactFloat32.toFixed(3)}× against the float32 model with a compact model.json too), accuracy ${pts(accBase)} → ${pts(accQ)}% (stock loader ${pts(stockQ)}%)`);
  return {
    id: 'F4',
    name: 'uint8 weights: stored-size ratio / accuracy loss (LeNet-5)',
    value: round(ratio, 2),
    unit: '×',
    target: '≥ 3.9× / ≤ 0.3 pt',
    anchor: 'TFLite PTQ 4×; tfjs-examples MNIST unchanged',
    pass: ratio >= 3.9 && withinBound(lossPts) && Math.abs(stockQ - accQ) < 1e-9,
    detail: {
      model: 'lenet-5 sample',
      method: 'post-training per-tensor affine uint8 (runQuantize ptq), every float32 weight',
      float32StoredBytes: storedBytes(base),
      weightsOnlyRatio: round(weightBytes(base) / weightBytes(q), 3),
      // The uint8 model.json is compact (Bonsai's writers' default); the float32 one is the sample as committed.
      modelJsonBytes: { float32: modelJson(base).bytes.byteLength, float32Compact: modelJson(compactFloat32(base)).bytes.byteLength, uint8: modelJson(q).bytes.byteLength },
      ratioVsCompactFloat32: round(ratioVsCompactFloat32, 3),
      quantizedStoredBytes: storedBytes(q),
      gzipBytes: { float32: gzipBytes(base), uint8: gzipBytes(q) },
      accuracyPct: { float32: pts(accBase), uint8: pts(accQ), uint8StockLoader: pts(stockQ) },
      accuracyLossPts: round(lossPts, 2),
      stockLoaderReproducesAccuracy: Math.abs(stockQ - accQ) < 1e-9,
      testImages: c.test.count,
      choice: 'nothing is chosen: one fixed method (per-tensor affine uint8 on every float32 weight), so no validation split is needed and the test images are measured once',
      note: 'Deterministic (no training): one run. TF.js dequantizes on load, so latency is that of the float32 model.',
      quick: QUICK,
    },
  };
}
