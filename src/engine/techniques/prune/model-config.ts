/** Rebuilding a LayersModel from an edited copy of its config: what every structural cut starts from. */
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * A new, untrained model of the same class (Sequential or functional) as `like`, from `config`.
 * fromConfig is the synchronous half of tf.models.modelFromJSON (which also loads weights).
 */
export function modelFromConfig(like: tfl.LayersModel, config: Record<string, unknown>): tfl.LayersModel {
  const dict = config as unknown as tf.serialization.ConfigDict;
  return like.getClassName() === 'Sequential'
    ? tfl.Sequential.fromConfig<tfl.Sequential>(tfl.Sequential, dict)
    : tfl.LayersModel.fromConfig<tfl.LayersModel>(tfl.LayersModel, dict);
}
