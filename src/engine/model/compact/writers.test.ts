/** Bonsai's model writers write the compact model.json unless told not to. */
import { expect, it } from 'vitest';
import { disposeLoaded, loadPrepared } from '../load';
import { serializeLayersModel } from '../serialize';
import { prepareModel } from '../validate';
import { quantizeFiles } from '../../techniques/quantize/encode';
import { describeEachBackend } from '../../test-utils/backends';
import { compactFiles, sampleFiles } from './test-utils/stock';

describeEachBackend('model writers', () => {
  it('serializeLayersModel: compact by default, the full TF.js form with compact: false', async () => {
    const loaded = await loadPrepared(prepareModel(sampleFiles('lenet-5')));
    try {
      if (loaded.format !== 'layers') throw new Error('expected a LayersModel');
      const full = await serializeLayersModel(loaded.model, { compact: false });
      expect(JSON.parse(new TextDecoder().decode(full[0].bytes)).modelTopology.keras_version).toMatch(/tfjs-layers/);
      expect(await serializeLayersModel(loaded.model)).toEqual(compactFiles(full));
    } finally {
      disposeLoaded(loaded);
    }
  });

  it('quantizeFiles: compact by default', () => {
    const prepared = prepareModel(sampleFiles('lenet-5'));
    const full = quantizeFiles(prepared, () => 'uint8', { compact: false }).files;
    expect(quantizeFiles(prepared, () => 'uint8').files).toEqual(compactFiles(full));
  });
});
