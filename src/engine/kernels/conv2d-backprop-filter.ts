/**
 * Conv2DBackpropFilter composed from forward kernels (Transpose, Slice, Conv2D):
 *
 *   dW[kh,kw,c,o] = Σ_{b,oh,ow} x[b, oh·s + kh·d − pad, ow·s + kw·d − pad, c] · dy[b,oh,ow,o]
 *
 * is a forward convolution whose "batch" is c, whose "channels" are b, and whose filter is dy:
 *   conv2d(x → [C,H,W,B], dy → [OH,OW,B,O], strides = d, dilations = s) → [C,KH,KW,O] → [KH,KW,C,O].
 * Padding becomes explicit, and input rows the forward op never read are cropped first.
 * Stride 1 with few channels (LeNet-5 conv1) goes to a SIMD sweep instead (filter-grad-simd.ts).
 */
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { assertChannelsLast, explicitPad, filterGradWindow, forwardAxes, type ForwardConvAttrs } from './conv-geometry';
import { cropSpatial } from './crop';
import { simdFilterGrad } from './filter-grad-simd';
import { withKernelScope } from './kernel-scope';

export const CONV2D_BACKPROP_FILTER = 'Conv2DBackpropFilter';

interface Attrs extends ForwardConvAttrs {
  filterShape: [number, number, number, number];
}

export function conv2dBackpropFilterKernel(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as Attrs;
    assertChannelsLast(CONV2D_BACKPROP_FILTER, a.dataFormat);
    const filterShape = [...a.filterShape];
    const [kh, kw, inChannels, outChannels] = filterShape;
    const [hAxis, wAxis] = forwardAxes(x.shape, filterShape, a, false);
    const hWin = filterGradWindow(hAxis);
    const wWin = filterGradWindow(wAxis);
    return withKernelScope(backend as KernelBackend, backendName, (scope) => {
      if (hWin === null || wWin === null) return scope.zeros(filterShape);
      const swept = simdFilterGrad(scope, backend, x, dy, hAxis, wAxis, filterShape);
      if (swept !== null) return swept;
      const xCropped = cropSpatial(scope, x, hWin, wWin);
      const xT = scope.transpose(xCropped, [3, 1, 2, 0]);
      const dyT = scope.transpose(dy, [1, 2, 0, 3]);
      const grad = scope.run(
        'Conv2D',
        { x: xT, filter: dyT },
        {
          strides: [hAxis.dilation, wAxis.dilation],
          dilations: [hAxis.stride, wAxis.stride],
          pad: explicitPad(hWin, wWin),
          dataFormat: 'NHWC',
        },
      );
      const [c, gh, gw, o] = grad.shape;
      if (c !== inChannels || gh !== kh || gw !== kw || o !== outChannels) {
        throw new Error(
          `Error in ${CONV2D_BACKPROP_FILTER} (Bonsai wasm kernel): composed gradient has shape ` +
            `[${grad.shape}], expected [${inChannels},${kh},${kw},${outChannels}] before the transpose.`,
        );
      }
      return scope.transpose(grad, [1, 2, 0, 3]);
    });
  };
  return { kernelName: CONV2D_BACKPROP_FILTER, backendName, kernelFunc: kernelFunc as KernelFunc };
}
