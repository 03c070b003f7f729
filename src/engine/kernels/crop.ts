/**
 * Crops the spatial axes (1 and 2) of an NHWC tensor to the windows' [begin, begin+size), or
 * copies it when nothing is cropped, so that the caller always owns a fresh result.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { isFullWindow, type Window } from './conv-geometry';
import type { KernelScope } from './kernel-scope';

export function cropSpatial(scope: KernelScope, x: TensorInfo, h: Window, w: Window): TensorInfo {
  const [n, height, width, c] = x.shape;
  if (isFullWindow(h, height) && isFullWindow(w, width)) return x;
  return scope.run('Slice', { x }, { begin: [0, h.begin, w.begin, 0], size: [n, h.size, w.size, c] });
}
