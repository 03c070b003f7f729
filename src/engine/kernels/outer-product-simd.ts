/**
 * A SIMD128 kernel that works in TF.js's wasm heap: `sweep` accumulates outer products
 *
 *   for each of `rows` rows, for each of `cols` columns:
 *     acc[l][v] += splat(x[l]) · dy[v]     (l < LB floats of x, v < OV vectors of 4 floats of dy)
 *     x += xColStep; dy += dyColStep        (after the row: x, dy = row start + xRowStep, dyRowStep)
 *
 * with the LB·OV accumulators in registers (loaded from and stored back to `acc`). A filter
 * gradient is a sum of such products (filter-grad-simd.ts). Separate f32x4.mul and
 * f32x4.add, as TF.js's SIMD128 build, no relaxed SIMD.
 *
 * The module is hand-assembled (heap-wasm.ts) and imports the memory the wasm backend exports, so
 * it reads and writes tensors in place. Null when that memory cannot be found or imported (a
 * shared memory of a threaded build, no WebAssembly SIMD): callers then use their composed kernel.
 */

import { addTo, countDownLoop, get, heapFunction, I32, memarg, moduleBytes, set, uleb, V128 } from './heap-wasm';

/** x64's XMM registers: the LB·OV accumulators, OV dy vectors and one splat must fit, or V8 spills. */
const REGISTERS = 16;

/** The most rows of x one sweep can take with OV dy vectors (0 when OV alone does not fit). */
export function maxSweepRows(ov: number): number {
  return Math.max(0, Math.floor((REGISTERS - 1 - ov) / ov));
}

export type SweepFn = (
  x: number,
  dy: number,
  rows: number,
  cols: number,
  xRowStep: number,
  dyRowStep: number,
  xColStep: number,
  dyColStep: number,
  acc: number,
) => void;

const simd = (op: number) => [0xfd, ...uleb(op)];
const v128Load = (offset: number) => [...simd(0x00), ...memarg(offset)];
const v128Store = (offset: number) => [...simd(0x0b), ...memarg(offset)];
const load32Splat = (offset: number) => [...simd(0x09), ...memarg(offset)];
const F32X4_ADD = simd(0xe4);
const F32X4_MUL = simd(0xe6);

/** The module bytes for one (LB, OV): exports `sweep` (9 × i32 → nothing), imports env.memory. */
export function outerProductModuleBytes(lb: number, ov: number): Uint8Array<ArrayBuffer> {
  if (!(Number.isInteger(lb) && Number.isInteger(ov) && ov >= 1 && lb >= 1 && lb <= maxSweepRows(ov))) {
    throw new RangeError(`outer-product sweep: 1 ≤ LB ≤ ${maxSweepRows(ov)} expected for OV ${ov}, got LB ${lb}`);
  }
  const [X, DY, ROWS, COLS, XROW, DYROW, XCOL, DYCOL, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [XC, DYC, J] = [9, 10, 11];
  const acc = (l: number, v: number) => 12 + l * ov + v;
  const dyv = (v: number) => 12 + lb * ov + v;
  const S = 12 + lb * ov + ov;

  const body: number[] = [];
  for (let k = 0; k < lb * ov; k++) body.push(...get(ACC), ...v128Load(k * 16), ...set(12 + k));
  body.push(0x03, 0x40); // loop over rows
  body.push(...get(X), ...set(XC), ...get(DY), ...set(DYC), ...get(COLS), ...set(J));
  body.push(0x03, 0x40); // loop over columns
  for (let v = 0; v < ov; v++) body.push(...get(DYC), ...v128Load(v * 16), ...set(dyv(v)));
  for (let l = 0; l < lb; l++) {
    body.push(...get(XC), ...load32Splat(l * 4), ...set(S));
    for (let v = 0; v < ov; v++) body.push(...get(acc(l, v)), ...get(S), ...get(dyv(v)), ...F32X4_MUL, ...F32X4_ADD, ...set(acc(l, v)));
  }
  body.push(...addTo(XC, XCOL), ...addTo(DYC, DYCOL), ...countDownLoop(J));
  body.push(0x0b); // end columns
  body.push(...addTo(X, XROW), ...addTo(DY, DYROW), ...countDownLoop(ROWS));
  body.push(0x0b); // end rows
  for (let k = 0; k < lb * ov; k++) body.push(...get(ACC), ...get(12 + k), ...v128Store(k * 16));
  body.push(0x0b); // end function

  return moduleBytes('sweep', 9, [
    [3, I32],
    [lb * ov + ov + 1, V128],
  ], body);
}

/** `sweep` for (LB, OV) bound to `memory`, compiled once; null when this runtime cannot run it. */
export function outerProductSweep(memory: WebAssembly.Memory, lb: number, ov: number): SweepFn | null {
  return heapFunction<SweepFn>(memory, `outer-product ${lb}x${ov}`, 'sweep', () => outerProductModuleBytes(lb, ov));
}
