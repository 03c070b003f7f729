/**
 * MaxPoolGrad for exactly tiling 2×2 windows (stride 2, no padding: LeNet-style pooling) as a
 * hand-assembled WebAssembly function run in TF.js's wasm heap (heap-wasm.ts). The JavaScript
 * loop (max-pool-grad.ts) spends most of its time on mispredicted branches — which of four values
 * is the first maximum is data-dependent — ~1.5 ms for LeNet-5's pool1; here every choice is a
 * SIMD128 compare mask, four (then two, then one) channels of a window at a time, no branch. Same rule as the JavaScript kernels: the window's first maximum in
 * row-major order under strict > starting at −∞ gets dy + 0 (−0 becomes +0, as 0 + dy does), the
 * other three get 0; a window with no value above −∞ (all NaN / −∞) passes nothing. Every dx
 * element lies in exactly one window, so dx is written once, with no zero fill.
 */
import { addTo, countDownLoop, get, heapFunction, I32, i32Const, memarg, moduleBytes, set, uleb, V128 } from './heap-wasm';

const I32_ADD = 0x6a;

/** (x, dy, dx, row pairs, windows per row, channels, channels × 4, x row bytes) → (), all byte addresses. */
export type TiledMaxPoolGradFn = (x: number, dy: number, dx: number, rowPairs: number, outWidth: number, channels: number, channelBytes: number, rowBytes: number) => void;

const simd = (op: number) => [0xfd, ...uleb(op)];
const F32X4_GT = simd(0x44);
const F32X4_ADD = simd(0xe4);
const V128_AND = simd(0x4e);
const V128_ANDNOT = simd(0x4f);
const V128_OR = simd(0x50);
const BITSELECT = simd(0x52);
const splatConst = (v: number) => [...simd(0x0c), ...new Uint8Array(new Float32Array([v, v, v, v]).buffer)];

/** A group of 4, 2 or 1 channels: its byte offset in the pixel and its load / store instructions. */
interface Group {
  offset: number;
  load: number[];
  store: (offset: number) => number[];
}

/** Channels in groups of 4 (v128), then 2 (64-bit lanes), then 1 (32-bit lane): no byte outside x, dy, dx. */
export function channelGroups(channels: number): Group[] {
  const groups: Group[] = [];
  let c = 0;
  for (; c + 4 <= channels; c += 4) groups.push({ offset: c * 4, load: simd(0x00), store: (o) => [...simd(0x0b), ...memarg(o)] });
  if (channels - c >= 2) {
    groups.push({ offset: c * 4, load: simd(0x5d), store: (o) => [...simd(0x5b), ...memarg(o), 0] }); // load64_zero, store64_lane 0
    c += 2;
  }
  if (channels - c === 1) groups.push({ offset: c * 4, load: simd(0x5c), store: (o) => [...simd(0x5a), ...memarg(o), 0] }); // load32_zero, store32_lane 0
  return groups;
}

/** The module for C channels: exports `grad` (the TiledMaxPoolGradFn; its channel arguments are baked in). */
export function tiledMaxPoolGradModuleBytes(channels: number): Uint8Array<ArrayBuffer> {
  if (!(Number.isInteger(channels) && channels >= 1 && channels <= 256)) throw new RangeError(`max-pool grad: 1…256 channels expected, got ${channels}`);
  const [X, DY, DX, PAIRS, OW, , , ROW] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [YC, X2, DX2] = [8, 9, 10]; // i32
  const [NEG, ZERO, V, BEST, M0, M1, M2, M3, G, LATER] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]; // v128
  const c4 = channels * 4;
  const addConst = (i: number, n: number) => [...get(i), ...i32Const(n), I32_ADD, ...set(i)];
  const body: number[] = [...splatConst(-Infinity), ...set(NEG), ...splatConst(0), ...set(ZERO)];
  body.push(0x03, 0x40); // loop over row pairs
  body.push(...get(OW), ...set(YC));
  body.push(0x03, 0x40); // loop over windows in the row
  body.push(...get(X), ...get(ROW), I32_ADD, ...set(X2), ...get(DX), ...get(ROW), I32_ADD, ...set(DX2));
  for (const g of channelGroups(channels)) {
    const o = g.offset;
    // the first maximum, strict >, from −∞: m_i marks the lanes where corner i beat the best so far
    const corners: [number, number, number][] = [
      [X, o, M0],
      [X, o + c4, M1],
      [X2, o, M2],
      [X2, o + c4, M3],
    ];
    body.push(...get(NEG), ...set(BEST));
    for (const [base, offset, m] of corners) {
      body.push(...get(base), ...g.load, ...memarg(offset), ...set(V));
      body.push(...get(V), ...get(BEST), ...F32X4_GT, ...set(m));
      body.push(...get(V), ...get(BEST), ...get(m), ...BITSELECT, ...set(BEST));
    }
    // g = dy + 0 (−0 becomes +0); corner i gets g where it won and no later corner did, else +0
    body.push(...get(DY), ...g.load, ...memarg(o), ...get(ZERO), ...F32X4_ADD, ...set(G));
    body.push(...get(DX2), ...get(G), ...get(M3), ...V128_AND, ...g.store(o + c4));
    body.push(...get(M3), ...set(LATER));
    for (const [base, offset, m] of [[DX2, o, M2], [DX, o + c4, M1], [DX, o, M0]] as [number, number, number][]) {
      body.push(...get(base), ...get(G), ...get(m), ...get(LATER), ...V128_ANDNOT, ...V128_AND, ...g.store(offset));
      body.push(...get(LATER), ...get(m), ...V128_OR, ...set(LATER));
    }
  }
  body.push(...addConst(X, 2 * c4), ...addConst(DX, 2 * c4), ...addConst(DY, c4), ...countDownLoop(YC));
  body.push(0x0b); // end windows: x, dx at the pair's second row
  body.push(...addTo(X, ROW), ...addTo(DX, ROW), ...countDownLoop(PAIRS));
  body.push(0x0b, 0x0b); // end row pairs, end function
  return moduleBytes('grad', 8, [
    [3, I32],
    [10, V128],
  ], body);
}

export function tiledMaxPoolGradFunction(memory: WebAssembly.Memory, channels: number): TiledMaxPoolGradFn | null {
  return heapFunction<TiledMaxPoolGradFn>(memory, `max-pool-grad 2x2 ${channels}`, 'grad', () => tiledMaxPoolGradModuleBytes(channels));
}
