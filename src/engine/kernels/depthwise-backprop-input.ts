/**
 * DepthwiseConv2dNativeBackpropInput composed from forward kernels (Reshape, PadV2, Slice,
 * Reverse, DepthwiseConv2dNative, Sum):
 *
 *   dx[b,i,j,c] = Σ_{kh,kw,m} dy[b, (i + pad − kh·d)/s, (j + pad − kw·d)/s, c·M+m] · W[kh,kw,c,m]
 *
 * (terms with a non-integer or out-of-range dy index vanish). Insert s−1 zeros after every dy row
 * and column, then it is a stride-1 correlation with the spatially flipped filter at the forward
 * dilation: depthwise(dy' [B,OH·s,OW·s,C·M], flip(W) → [KH,KW,C·M,1]) → [B,H,W,C·M], reshaped to
 * [B,H,W,C,M] and summed over M.
 */
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { assertChannelsLast, explicitPad, forwardAxes, inputGradWindow, type ForwardConvAttrs } from './conv-geometry';
import { cropSpatial } from './crop';
import { withKernelScope, type KernelScope } from './kernel-scope';

export const DEPTHWISE_BACKPROP_INPUT = 'DepthwiseConv2dNativeBackpropInput';

interface Attrs extends ForwardConvAttrs {
  inputShape: [number, number, number, number];
}

/** [B,OH,OW,C] → [B,OH·sh,OW·sw,C] with each value followed by sh−1 / sw−1 zeros. */
export function insertStrideZeros(scope: KernelScope, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [b, oh, ow, c] = dy.shape;
  const dy6 = scope.reshape(dy, [b, oh, 1, ow, 1, c]);
  const padded = scope.run(
    'PadV2',
    { x: dy6 },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  return scope.reshape(padded, [b, oh * sh, ow * sw, c]);
}

export function depthwiseBackpropInputKernel(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as Attrs;
    assertChannelsLast(DEPTHWISE_BACKPROP_INPUT, a.dataFormat);
    const inputShape = [...a.inputShape];
    const [batch, height, width, channels] = inputShape;
    const [kh, kw, , multiplier] = filter.shape;
    const [hAxis, wAxis] = forwardAxes(inputShape, filter.shape, a, true);
    const hWin = inputGradWindow(hAxis);
    const wWin = inputGradWindow(wAxis);
    return withKernelScope(backend as KernelBackend, backendName, (scope) => {
      if (hWin === null || wWin === null) return scope.zeros(inputShape);
      const dilated = insertStrideZeros(scope, dy, hAxis.stride, wAxis.stride);
      const cropped = cropSpatial(scope, dilated, hWin, wWin);
      const flipped = scope.reshape(scope.run('Reverse', { x: filter }, { dims: [0, 1] }), [
        kh,
        kw,
        channels * multiplier,
        1,
      ]);
      const perTap = scope.run(
        'DepthwiseConv2dNative',
        { x: cropped, filter: flipped },
        {
          strides: [1, 1],
          dilations: [hAxis.dilation, wAxis.dilation],
          pad: explicitPad(hWin, wWin),
          dataFormat: 'NHWC',
        },
      );
      const [, gh, gw] = perTap.shape;
      if (gh !== height || gw !== width) {
        throw new Error(
          `Error in ${DEPTHWISE_BACKPROP_INPUT} (Bonsai wasm kernel): composed gradient is ${gh}×${gw}, ` +
            `expected ${height}×${width}.`,
        );
      }
      if (multiplier === 1) return scope.reshape(perTap, inputShape);
      const split = scope.reshape(perTap, [batch, height, width, channels, multiplier]);
      return scope.run('Sum', { x: split }, { axis: [4], keepDims: false });
    });
  };
  return { kernelName: DEPTHWISE_BACKPROP_INPUT, backendName, kernelFunc: kernelFunc as KernelFunc };
}
