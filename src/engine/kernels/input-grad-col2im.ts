/**
 * Conv2DBackpropInput at stride 1, dilation 1 and no padding (a 'valid' forward convolution;
 * LeNet-5 conv2) as one matrix product and a SIMD col2im in TF.js's wasm heap:
 *
 *   cols[p, (kh, kw, c)] = Σ_o dy[p, o] · W[kh, kw, c, o]      (p = b, i, j: TF.js's BatchMatMul)
 *   dx[b, i+kh, j+kw, c] += cols[p, (kh, kw, c)]               (col2im, below)
 *
 * Only real dy values are multiplied: the composed kernel (one XNNPACK convolution over dy
 * zero-padded by KH−1, KW−1 on every side) did about twice the multiply-adds (LeNet-5 conv2:
 * 2.4 ms; this ~1.3 ms), and NaN or ±∞ in dy reach only the dx elements they reach on the CPU.
 * For fixed (b, i, kh) and j, the KW·C targets dx[b, i+kh, j .. j+KW−1, :] are contiguous: one
 * segment add per (p, kh), in groups of 4, 2 and 1 floats (no byte outside dx). Segments of
 * neighbouring j overlap, so j runs in KW phases (j ≡ phase mod KW): consecutive adds never touch
 * the same floats (a load right after an overlapping store stalls).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { Axis } from './conv-geometry';
import { get, heapFunction, heapMemory, I32, i32Const, memarg, moduleBytes, set, uleb, type HeapBackend } from './heap-wasm';
import type { KernelScope } from './kernel-scope';

/** (cols, dx, images) → (): dx += col2im(cols), images of the shape the module was built for. */
export type Col2ImFn = (cols: number, dx: number, images: number) => void;

interface Shape {
  outH: number;
  outW: number;
  kh: number;
  kw: number;
  c: number;
}

const simd = (op: number) => [0xfd, ...uleb(op)];
const I32_ADD = 0x6a;

/** Segment pieces: [byte offset, load, store] for groups of 4, 2 and 1 floats. */
function pieces(floats: number): [number, number[], (o: number) => number[]][] {
  const out: [number, number[], (o: number) => number[]][] = [];
  let f = 0;
  for (; f + 4 <= floats; f += 4) out.push([f * 4, simd(0x00), (o) => [...simd(0x0b), ...memarg(o)]]);
  if (floats - f >= 2) {
    out.push([f * 4, simd(0x5d), (o) => [...simd(0x5b), ...memarg(o), 0]]);
    f += 2;
  }
  if (floats - f === 1) out.push([f * 4, simd(0x5c), (o) => [...simd(0x5a), ...memarg(o), 0]]);
  return out;
}

export function col2ImModuleBytes({ outH, outW, kh, kw, c }: Shape): Uint8Array<ArrayBuffer> {
  const seg = kw * c; // floats per segment
  const height = outH + kh - 1;
  const width = outW + kw - 1;
  const [COLS, DX, IMAGES] = [0, 1, 2];
  const [I, S, D, N, SI, DI] = [3, 4, 5, 6, 7, 8]; // i32
  const addConst = (local: number, n: number) => [...get(local), ...i32Const(n), I32_ADD, ...set(local)];
  const countDown = (local: number) => [...get(local), ...i32Const(1), 0x6b, ...set(local), ...get(local), 0x0d, 0x00];
  const body: number[] = [];
  body.push(0x03, 0x40); // loop over images
  body.push(...get(COLS), ...set(SI), ...get(DX), ...set(DI), ...i32Const(outH), ...set(I));
  body.push(0x03, 0x40); // loop over dy rows i: SI, DI at cols[b, i, 0], dx[b, i, 0]
  for (let r = 0; r < kh; r++) {
    for (let phase = 0; phase < Math.min(kw, outW); phase++) {
      const count = Math.ceil((outW - phase) / kw);
      body.push(...get(SI), ...i32Const(((phase * kh + r) * seg) * 4), I32_ADD, ...set(S));
      body.push(...get(DI), ...i32Const((r * width + phase) * c * 4), I32_ADD, ...set(D));
      body.push(...i32Const(count), ...set(N));
      body.push(0x03, 0x40); // loop over j = phase, phase + KW, …
      for (const [offset, load, store] of pieces(seg)) {
        body.push(...get(D), ...get(D), ...load, ...memarg(offset), ...get(S), ...load, ...memarg(offset), ...simd(0xe4), ...store(offset));
      }
      body.push(...addConst(S, kw * kh * seg * 4), ...addConst(D, kw * c * 4), ...countDown(N));
      body.push(0x0b);
    }
  }
  body.push(...addConst(SI, outW * kh * seg * 4), ...addConst(DI, width * c * 4), ...countDown(I));
  body.push(0x0b); // end rows
  body.push(...addConst(COLS, outH * outW * kh * seg * 4), ...addConst(DX, height * width * c * 4), ...countDown(IMAGES));
  body.push(0x0b, 0x0b); // end images, end function
  return moduleBytes('col2im', 3, [[6, I32]], body);
}

/** Largest KW·C handled (a segment is at most this many floats). */
const MAX_SEGMENT = 256;

export function col2ImApplies(h: Axis, w: Axis, inputShape: number[], dy: TensorInfo, filter: TensorInfo): boolean {
  const [kh, kw, c, o] = filter.shape;
  return (
    h.stride === 1 &&
    w.stride === 1 &&
    h.dilation === 1 &&
    w.dilation === 1 &&
    h.padBefore === 0 &&
    w.padBefore === 0 &&
    dy.dtype === 'float32' &&
    filter.dtype === 'float32' &&
    h.kernel === kh &&
    w.kernel === kw &&
    c === inputShape[3] &&
    kw * c <= MAX_SEGMENT &&
    dy.shape[0] === inputShape[0] &&
    dy.shape[1] === h.outSize &&
    dy.shape[2] === w.outSize &&
    dy.shape[3] === o &&
    h.outSize > 0 &&
    w.outSize > 0 &&
    inputShape[0] > 0 &&
    // 'valid': every dx row and column is reached, none beyond
    inputShape[1] === h.outSize + kh - 1 &&
    inputShape[2] === w.outSize + kw - 1
  );
}

/** dx [B,H,W,C], owned by `scope`, or null when the case or the runtime is not supported. */
export function col2ImInputGrad(scope: KernelScope, backend: unknown, dy: TensorInfo, filter: TensorInfo, h: Axis, w: Axis, inputShape: number[]): TensorInfo | null {
  if (!col2ImApplies(h, w, inputShape, dy, filter)) return null;
  const memory = heapMemory(backend);
  if (memory === null) return null;
  const [kh, kw, c, o] = filter.shape;
  const [batch, outH, outW] = dy.shape;
  const shape: Shape = { outH, outW, kh, kw, c };
  const col2im = heapFunction<Col2ImFn>(memory, `col2im ${JSON.stringify(shape)}`, 'col2im', () => col2ImModuleBytes(shape));
  if (col2im === null) return null;
  const heap = backend as HeapBackend;
  const taps = kh * kw * c;
  // W as [O, KH·KW·C]: cols = dy [P, O] · that
  const wr = scope.adopt(heap.makeOutput([1, o, taps], 'float32'));
  const wv = heap.typedArrayFromHeap(filter);
  const wrv = heap.typedArrayFromHeap(wr);
  for (let t = 0; t < taps; t++) for (let k = 0; k < o; k++) wrv[k * taps + t] = wv[t * o + k];
  const rows = scope.reshape(dy, [1, batch * outH * outW, o]);
  const cols = scope.run('BatchMatMul', { a: rows, b: wr }, { transposeA: false, transposeB: false });
  const dx = scope.adopt(heap.makeOutput([...inputShape], 'float32'));
  heap.typedArrayFromHeap(dx).fill(0);
  col2im(heap.typedArrayFromHeap(cols).byteOffset, heap.typedArrayFromHeap(dx).byteOffset, batch);
  return dx;
}
