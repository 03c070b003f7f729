/**
 * MaxPoolGrad for exactly tiling 2×2 windows (stride 2, no padding: LeNet-style pooling) as a
 * hand-assembled WebAssembly function run in TF.js's wasm heap (heap-wasm.ts). The JavaScript
 * loop (max-pool-grad.ts) spends most of its time on mispredicted branches — which of four values
 * is the first maximum is data-dependent — ~1.5 ms for LeNet-5's pool1; here every choice is an
 * i32 `select` or a mask (no branch). Same rule as the JavaScript kernels: the window's first maximum in
 * row-major order under strict > starting at −∞ gets dy + 0 (−0 becomes +0, as 0 + dy does), the
 * other three get 0; a window with no value above −∞ (all NaN / −∞) passes nothing. Every dx
 * element lies in exactly one window, so dx is written once, with no zero fill.
 */
import { addTo, countDownLoop, F32, f32Const, get, heapFunction, I32, i32Const, memarg, moduleBytes, set } from './heap-wasm';

/** (x, dy, dx, row pairs, windows per row, channels, channels × 4, x row bytes) → (), all byte addresses. */
export type TiledMaxPoolGradFn = (x: number, dy: number, dx: number, rowPairs: number, outWidth: number, channels: number, channelBytes: number, rowBytes: number) => void;

const F32_LOAD = 0x2a;
const F32_GT = 0x5e;
const F32_ADD = 0x92;
const I32_ADD = 0x6a;
const I32_EQ = 0x46;
const SELECT = 0x1b;
const I32_STORE = 0x36;
const I32_AND = 0x71;
const I32_SUB = 0x6b;
const I32_FROM_F32_BITS = 0xbc;
const F32_FROM_I32_BITS = 0xbe;

export function tiledMaxPoolGradModuleBytes(): Uint8Array<ArrayBuffer> {
  const [X, DY, DX, PAIRS, OW, C, C4, ROW] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [YC, D, W, K] = [8, 9, 10, 11]; // i32 locals
  const [BEST, V] = [12, 13]; // f32 locals
  const G = 14; // i32: the bits of dy + 0
  /** The address x + the offsets (locals) on the stack. */
  const at = (base: number, offsets: number[]) => [...get(base), ...offsets.flatMap((o) => [...get(o), I32_ADD])];
  const corners = [[], [C4], [ROW], [ROW, C4]];

  const body: number[] = [];
  body.push(0x03, 0x40); // loop over row pairs
  body.push(...get(OW), ...set(YC));
  body.push(0x03, 0x40); // loop over windows in the row
  body.push(...get(C), ...set(D));
  body.push(0x03, 0x40); // loop over channels
  body.push(...f32Const(-Infinity), ...set(BEST), ...i32Const(-1), ...set(W));
  corners.forEach((offsets, i) => {
    body.push(...at(X, offsets), F32_LOAD, ...memarg(0), ...set(V));
    body.push(...get(V), ...get(BEST), F32_GT, ...set(K));
    // best = k ? v : best on the bit patterns: an i32 select is a cmov, an f32 one may branch.
    body.push(...get(V), I32_FROM_F32_BITS, ...get(BEST), I32_FROM_F32_BITS, ...get(K), SELECT, F32_FROM_I32_BITS, ...set(BEST));
    body.push(...i32Const(i), ...get(W), ...get(K), SELECT, ...set(W));
  });
  // g = the bits of dy + 0; each corner stores g & (w == i ? −1 : 0): dy or +0.
  body.push(...get(DY), F32_LOAD, ...memarg(0), ...f32Const(0), F32_ADD, I32_FROM_F32_BITS, ...set(G));
  corners.forEach((offsets, i) => {
    body.push(...at(DX, offsets), ...get(G), ...i32Const(0), ...get(W), ...i32Const(i), I32_EQ, I32_SUB, I32_AND, I32_STORE, ...memarg(0));
  });
  const FOUR = 15; // i32 local holding 4
  body.push(...addTo(X, FOUR), ...addTo(DX, FOUR), ...addTo(DY, FOUR), ...countDownLoop(D));
  body.push(0x0b); // end channels: x, dx now at the window's right column
  body.push(...addTo(X, C4), ...addTo(DX, C4), ...countDownLoop(YC));
  body.push(0x0b); // end windows: x, dx at the pair's second row
  body.push(...addTo(X, ROW), ...addTo(DX, ROW), ...countDownLoop(PAIRS));
  body.push(0x0b); // end row pairs
  body.push(0x0b); // end function
  return moduleBytes('grad', 8, [
    [4, I32],
    [2, F32],
    [2, I32],
  ], [...i32Const(4), ...set(FOUR), ...body]);
}

export function tiledMaxPoolGradFunction(memory: WebAssembly.Memory): TiledMaxPoolGradFn | null {
  return heapFunction<TiledMaxPoolGradFn>(memory, 'max-pool-grad 2x2', 'grad', tiledMaxPoolGradModuleBytes);
}
