/**
 * DepthwiseConv2dNativeBackpropFilter composed from forward kernels (Transpose, Reshape, Slice,
 * DepthwiseConv2dNative, Sum):
 *
 *   dW[kh,kw,c,m] = Σ_{b,oh,ow} x[b, oh·s + kh·d − pad, ow·s + kw·d − pad, c] · dy[b,oh,ow,c·M+m]
 *
 * Each (c, b) pair becomes one channel of a batch-1 image, and dy becomes a depthwise filter with
 * multiplier M over those channels:
 *   depthwise(x → [1,H,W,C·B], dy → [OH,OW,C·B,M], strides = d, dilations = s) → [1,KH,KW,C·B·M],
 * then reshape to [KH,KW,C,B,M] and sum over B.
 */
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { assertChannelsLast, explicitPad, filterGradWindow, forwardAxes, type ForwardConvAttrs } from './conv-geometry';
import { cropSpatial } from './crop';
import { withKernelScope } from './kernel-scope';

export const DEPTHWISE_BACKPROP_FILTER = 'DepthwiseConv2dNativeBackpropFilter';

interface Attrs extends ForwardConvAttrs {
  filterShape: [number, number, number, number];
}

export function depthwiseBackpropFilterKernel(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as Attrs;
    assertChannelsLast(DEPTHWISE_BACKPROP_FILTER, a.dataFormat);
    const filterShape = [...a.filterShape];
    const [kh, kw, channels, multiplier] = filterShape;
    const batch = x.shape[0];
    const [hAxis, wAxis] = forwardAxes(x.shape, filterShape, a, true);
    const hWin = filterGradWindow(hAxis);
    const wWin = filterGradWindow(wAxis);
    return withKernelScope(backend as KernelBackend, backendName, (scope) => {
      if (hWin === null || wWin === null) return scope.zeros(filterShape);
      const xCropped = cropSpatial(scope, x, hWin, wWin);
      // [B,H,W,C] → [H,W,C,B] → [1,H,W,C·B]
      const xT = scope.reshape(scope.transpose(xCropped, [1, 2, 3, 0]), [1, hWin.size, wWin.size, channels * batch]);
      // [B,OH,OW,C·M] → [B,OH,OW,C,M] → [OH,OW,C,B,M] → [OH,OW,C·B,M]
      const dy5 = scope.reshape(dy, [batch, hAxis.outSize, wAxis.outSize, channels, multiplier]);
      const dyT = scope.reshape(scope.transpose(dy5, [1, 2, 3, 0, 4]), [
        hAxis.outSize,
        wAxis.outSize,
        channels * batch,
        multiplier,
      ]);
      const perPair = scope.run(
        'DepthwiseConv2dNative',
        { x: xT, filter: dyT },
        {
          strides: [hAxis.dilation, wAxis.dilation],
          dilations: [hAxis.stride, wAxis.stride],
          pad: explicitPad(hWin, wWin),
          dataFormat: 'NHWC',
        },
      );
      const [, gh, gw] = perPair.shape;
      if (gh !== kh || gw !== kw) {
        throw new Error(
          `Error in ${DEPTHWISE_BACKPROP_FILTER} (Bonsai wasm kernel): composed gradient is ${gh}×${gw}, ` +
            `expected ${kh}×${kw}.`,
        );
      }
      const split = scope.reshape(perPair, [kh, kw, channels, batch, multiplier]);
      return scope.run('Sum', { x: split }, { axis: [3], keepDims: false });
    });
  };
  return { kernelName: DEPTHWISE_BACKPROP_FILTER, backendName, kernelFunc: kernelFunc as KernelFunc };
}
