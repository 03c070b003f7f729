import { expect, it } from 'vitest';
import type { WeightSpec } from '../model/manifest';
import { nonZeroElements, weightLayout } from './nonzero';

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

it('nonZeroElements: float32 zeros (either sign) do not count', () => {
  const spec: WeightSpec = { name: 'w', shape: [4], dtype: 'float32' };
  expect(nonZeroElements(spec, bytesOf(new Float32Array([0, -0, 1.5, 1e-30])))).toBe(2);
});

it('nonZeroElements: quantized values count by what they dequantize to', () => {
  // uint8, scale 0.5, min -1: 2 → 0, 0 → -1, 3 → 0.5
  const u8: WeightSpec = { name: 'q', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } };
  expect(nonZeroElements(u8, new Uint8Array([2, 0, 3]))).toBe(2);
  const u16: WeightSpec = { name: 'q', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.25, min: -0.5 } };
  expect(nonZeroElements(u16, bytesOf(new Uint16Array([2, 7])))).toBe(1);
  // float16: +0, −0, 1.0
  const f16: WeightSpec = { name: 'h', shape: [3], dtype: 'float32', quantization: { dtype: 'float16' } };
  expect(nonZeroElements(f16, bytesOf(new Uint16Array([0x0000, 0x8000, 0x3c00])))).toBe(1);
});

it('weightLayout places mixed-width weights, strings included', () => {
  const str = new Uint8Array([2, 0, 0, 0, 104, 105]); // one string "hi"
  const specs: WeightSpec[] = [
    { name: 'a', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } },
    { name: 's', shape: [1], dtype: 'string' },
    { name: 'b', shape: [2], dtype: 'float32' },
  ];
  const bytes = new Uint8Array(3 + str.length + 8);
  bytes.set(str, 3);
  expect(weightLayout(specs, bytes)).toEqual([{ offset: 0, length: 3 }, { offset: 3, length: 6 }, { offset: 9, length: 8 }]);
});
