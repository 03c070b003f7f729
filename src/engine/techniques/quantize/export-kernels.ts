/**
 * Write a model with its kernels stored at one precision by the shared weight encoder (encode.ts),
 * biases and BatchNormalization parameters left float32: they are a small share of the bytes, and
 * bias correction and int32-bias runtimes both want them precise.
 */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { InputFile } from '../../model/types';
import { serializeLayersModel } from '../../model/serialize';
import { prepareModel } from '../../model/validate';
import { quantizeFiles } from './encode';
import { isQuantizedKernel } from './fake-quant';
import type { WeightPrecision } from './meta';

export async function exportKernelsAt(model: LayersModel, precision: WeightPrecision): Promise<InputFile[]> {
  const prepared = prepareModel(await serializeLayersModel(model));
  return quantizeFiles(prepared, (name, spec) => (isQuantizedKernel(name, spec.shape) ? precision : null)).files;
}
