/**
 * Conv2DBackpropInput composed from forward kernels (Reshape, PadV2, Slice, Conv2D; the filter
 * flipped in one pass, flip-filter.ts), replacing TF.js 4.22's wasm kernel, a scalar loop that
 * ran ~5× slower than the forward convolution it differentiates (LeNet-5 conv2 at batch 64: 14 ms
 * against 3 ms):
 *
 *   dx[b,i,j,c] = Σ_{kh,kw,o} dy[b, (i + pad − kh·d)/s, (j + pad − kw·d)/s, o] · W[kh,kw,c,o]
 *
 * (terms with a non-integer or out-of-range dy index vanish). Insert s−1 zeros after every dy row
 * and column; then it is a stride-1 correlation with the spatially flipped filter, its in/out
 * channels swapped, at the forward dilation: conv2d(dy' [B,OH·s,OW·s,O], flip(W)ᵀ [KH,KW,O,C]) —
 * one XNNPACK convolution. A 'valid' stride-1 convolution (LeNet-5 conv2) goes to one matrix
 * product and a col2im in the heap instead, which multiplies no padding (input-grad-col2im.ts).
 */
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { assertChannelsLast, explicitPad, forwardAxes, inputGradWindow, type ForwardConvAttrs } from './conv-geometry';
import { cropSpatial } from './crop';
import { flippedSwappedFilter } from './flip-filter';
import { insertStrideZeros } from './depthwise-backprop-input';
import { col2ImInputGrad } from './input-grad-col2im';
import { withKernelScope } from './kernel-scope';

export const CONV2D_BACKPROP_INPUT = 'Conv2DBackpropInput';

interface Attrs extends ForwardConvAttrs {
  inputShape: [number, number, number, number];
}

export function conv2dBackpropInputKernel(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as Attrs;
    assertChannelsLast(CONV2D_BACKPROP_INPUT, a.dataFormat);
    const inputShape = [...a.inputShape];
    const [, height, width] = inputShape;
    const [hAxis, wAxis] = forwardAxes(inputShape, filter.shape, a, false);
    const hWin = inputGradWindow(hAxis);
    const wWin = inputGradWindow(wAxis);
    return withKernelScope(backend as KernelBackend, backendName, (scope) => {
      if (hWin === null || wWin === null) return scope.zeros(inputShape);
      const viaCols = col2ImInputGrad(scope, backend, dy, filter, hAxis, wAxis, inputShape);
      if (viaCols !== null) return viaCols;
      const dilated = insertStrideZeros(scope, dy, hAxis.stride, wAxis.stride);
      const cropped = cropSpatial(scope, dilated, hWin, wWin);
      const flipped = flippedSwappedFilter(scope, backend, filter);
      const dx = scope.run(
        'Conv2D',
        { x: cropped, filter: flipped },
        {
          strides: [1, 1],
          dilations: [hAxis.dilation, wAxis.dilation],
          pad: explicitPad(hWin, wWin),
          dataFormat: 'NHWC',
        },
      );
      const [, gh, gw, gc] = dx.shape;
      if (gh !== height || gw !== width || gc !== inputShape[3]) {
        throw new Error(
          `Error in ${CONV2D_BACKPROP_INPUT} (Bonsai wasm kernel): composed gradient has shape [${dx.shape}], ` +
            `expected [${inputShape}].`,
        );
      }
      return dx;
    });
  };
  return { kernelName: CONV2D_BACKPROP_INPUT, backendName, kernelFunc: kernelFunc as KernelFunc };
}
