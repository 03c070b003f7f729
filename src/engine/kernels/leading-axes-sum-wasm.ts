/**
 * Column sums of a [rows, C] float32 matrix in doubles, as one SIMD128 pass in TF.js's wasm heap
 * (heap-wasm.ts): every bias gradient of a convolution (C channels, rows = B·H·W). Columns go in
 * pairs into f64x2 accumulators (two float32 loaded, promoted, added), an odd last column into an
 * f64; each column is still summed row after row from 0, in doubles, exactly as leading-axes-sum.ts's
 * JavaScript loop does, so the result is bit for bit the same (and the CPU backend's).
 */
import { addTo, countDownLoop, get, heapFunction, memarg, moduleBytes, set, uleb, V128 } from './heap-wasm';

/** (x, rows, rowBytes, out) → (): out (C doubles) = the column sums of x. */
export type ColumnSumFn = (x: number, rows: number, rowBytes: number, out: number) => void;

/** Up to this many columns (their accumulators stay in registers). */
export const MAX_COLUMNS = 24;

const F64 = 0x7c;
const simd = (op: number) => [0xfd, ...uleb(op)];
const V128_ZERO = [...simd(0x0c), ...new Array(16).fill(0)];
const LOAD64_ZERO = simd(0x5d);
const PROMOTE_LOW = simd(0x5f);
const F64X2_ADD = simd(0xf0);
const V128_STORE = simd(0x0b);

export function columnSumModuleBytes(columns: number): Uint8Array<ArrayBuffer> {
  if (!(Number.isInteger(columns) && columns >= 1 && columns <= MAX_COLUMNS)) throw new RangeError(`column sum: 1…${MAX_COLUMNS} columns expected, got ${columns}`);
  const pairs = Math.floor(columns / 2);
  const odd = columns % 2 === 1;
  const [X, ROWS, ROW, OUT] = [0, 1, 2, 3];
  const acc = (k: number) => 4 + k; // v128
  const LAST = 4 + pairs; // f64
  const body: number[] = [];
  for (let k = 0; k < pairs; k++) body.push(...V128_ZERO, ...set(acc(k)));
  body.push(0x03, 0x40); // loop over rows
  for (let k = 0; k < pairs; k++) body.push(...get(acc(k)), ...get(X), ...LOAD64_ZERO, ...memarg(8 * k), ...PROMOTE_LOW, ...F64X2_ADD, ...set(acc(k)));
  if (odd) body.push(...get(LAST), ...get(X), 0x2a, ...memarg(4 * (columns - 1)), 0xbb, 0xa0, ...set(LAST)); // f32.load, f64.promote_f32, f64.add
  body.push(...addTo(X, ROW), ...countDownLoop(ROWS));
  body.push(0x0b); // end rows
  for (let k = 0; k < pairs; k++) body.push(...get(OUT), ...get(acc(k)), ...V128_STORE, ...memarg(16 * k));
  if (odd) body.push(...get(OUT), ...get(LAST), 0x39, ...memarg(8 * (columns - 1))); // f64.store
  body.push(0x0b); // end function
  const locals: [number, number][] = [];
  if (pairs > 0) locals.push([pairs, V128]);
  if (odd) locals.push([1, F64]); // a fresh f64 local is 0
  return moduleBytes('sum', 4, locals, body);
}

export function columnSumFunction(memory: WebAssembly.Memory, columns: number): ColumnSumFn | null {
  if (!(columns >= 1 && columns <= MAX_COLUMNS)) return null;
  return heapFunction<ColumnSumFn>(memory, `column-sum ${columns}`, 'sum', () => columnSumModuleBytes(columns));
}
