/**
 * Shape arithmetic shared by the composed convolution gradients. Everything is per spatial axis
 * (height, width) of an NHWC convolution, from the forward op's attributes as TF.js passes them
 * (`pad` is 'same' | 'valid' | a number | explicit [[0,0],[t,b],[l,r],[0,0]]).
 */
import { backend_util } from '@tensorflow/tfjs-core';

export type Pad = 'same' | 'valid' | number | backend_util.ExplicitPadding;
export type Pair = number | [number, number];

export interface ForwardConvAttrs {
  strides: Pair;
  dilations?: Pair;
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

/** One spatial axis of the forward convolution. */
export interface Axis {
  inSize: number;
  outSize: number;
  kernel: number;
  stride: number;
  dilation: number;
  padBefore: number;
}

/** How to take an input window along one axis: crop [begin, begin+size), then pad (before, after). */
export interface Window {
  begin: number;
  size: number;
  padBefore: number;
  padAfter: number;
}

export function assertChannelsLast(kernelName: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(
      `Error in ${kernelName} (Bonsai wasm kernel): only dataFormat 'NHWC' is supported, but got '${dataFormat}'. ` +
        'Use channels-last layers (dataFormat: "channelsLast").',
    );
  }
}

export function forwardAxes(
  xShape: number[],
  filterShape: number[],
  attrs: ForwardConvAttrs,
  depthwise: boolean,
): [Axis, Axis] {
  const info = backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
  return [
    {
      inSize: info.inHeight,
      outSize: info.outHeight,
      kernel: info.filterHeight,
      stride: info.strideHeight,
      dilation: info.dilationHeight,
      padBefore: info.padInfo.top,
    },
    {
      inSize: info.inWidth,
      outSize: info.outWidth,
      kernel: info.filterWidth,
      stride: info.strideWidth,
      dilation: info.dilationWidth,
      padBefore: info.padInfo.left,
    },
  ];
}

/** Keeps the part of [-padBefore, inSize + padAfter) that lies inside [0, inSize), as crop + pad. */
function window(inSize: number, padBefore: number, padAfter: number): Window | null {
  const begin = Math.max(0, -padBefore);
  const end = Math.min(inSize, inSize + padAfter);
  if (end <= begin) return null;
  return { begin, size: end - begin, padBefore: Math.max(0, padBefore), padAfter: Math.max(0, padAfter) };
}

/**
 * Filter gradient as a forward convolution of x (batch and channels swapped) with dy as the
 * filter: the roles of stride and dilation swap, and the input window must be exactly
 * (kernel-1)*dilation + (out-1)*stride + 1 long so that the result has `kernel` taps.
 * Null when the window holds no input at all (only padding): the gradient is zero.
 */
export function filterGradWindow(a: Axis): Window | null {
  const extent = (a.kernel - 1) * a.dilation + (a.outSize - 1) * a.stride + 1;
  return window(a.inSize, a.padBefore, extent - a.padBefore - a.inSize);
}

/**
 * Input gradient as a stride-1 correlation of the stride-dilated dy (length outSize*stride, the
 * trailing stride-1 entries are zeros) with the flipped filter, keeping the forward dilation.
 */
export function inputGradWindow(a: Axis): Window | null {
  const dilatedDySize = a.outSize * a.stride;
  const padBefore = (a.kernel - 1) * a.dilation - a.padBefore;
  const padAfter = a.inSize + a.padBefore - dilatedDySize;
  return window(dilatedDySize, padBefore, padAfter);
}

/** Explicit NHWC padding attr for a convolution kernel. */
export function explicitPad(h: Window, w: Window): backend_util.ExplicitPadding {
  return [
    [0, 0],
    [h.padBefore, h.padAfter],
    [w.padBefore, w.padAfter],
    [0, 0],
  ];
}

export function isFullWindow(win: Window, size: number): boolean {
  return win.begin === 0 && win.size === size;
}
