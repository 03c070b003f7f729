/**
 * A SIMD128 kernel that works in TF.js's wasm heap: `sweep` accumulates outer products
 *
 *   for each of `rows` rows, for each of `cols` columns:
 *     acc[l][v] += splat(x[l]) · dy[v]     (l < LB floats of x, v < OV vectors of 4 floats of dy)
 *     x += xColStep; dy += dyColStep        (after the row: x, dy = row start + xRowStep, dyRowStep)
 *
 * with the LB·OV accumulators in registers (loaded from and stored back to `acc`). A filter
 * gradient is a sum of such products (conv2d-backprop-filter.ts). Separate f32x4.mul and
 * f32x4.add, as TF.js's SIMD128 build, no relaxed SIMD.
 *
 * The module is hand-assembled (the binary format written out below, as simd-peak.ts does) and
 * imports the memory the wasm backend exports, so it reads and writes tensors in place. Null when
 * that memory cannot be found or imported (a shared memory of a threaded build, no WebAssembly
 * SIMD): callers then use their composed kernel.
 */

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

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

const I32 = 0x7f;
const V128 = 0x7b;
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const simd = (op: number) => [0xfd, ...uleb(op)];
/** memarg: alignment hint 0 (unaligned is fine), byte offset. */
const memarg = (offset: number) => [0x00, ...uleb(offset)];
const v128Load = (offset: number) => [...simd(0x00), ...memarg(offset)];
const v128Store = (offset: number) => [...simd(0x0b), ...memarg(offset)];
const load32Splat = (offset: number) => [...simd(0x09), ...memarg(offset)];
const F32X4_ADD = simd(0xe4);
const F32X4_MUL = simd(0xe6);
/** local[i] += local[step] (i32). */
const addTo = (i: number, step: number) => [...get(i), ...get(step), 0x6a, ...set(i)];
/** local[i] -= 1, then br_if 0 while it is not zero. */
const countDownLoop = (i: number) => [...get(i), 0x41, 0x01, 0x6b, ...set(i), ...get(i), 0x0d, 0x00];

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

  const locals = vec([
    [...uleb(3), I32],
    [...uleb(lb * ov + ov + 1), V128],
  ]);
  const func = [...locals, ...body];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(Array.from({ length: 9 }, () => [I32])), ...vec([])]])), // type 0: (9 × i32) → ()
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])), // import env.memory, min 0 pages
    ...section(3, vec([uleb(0)])), // function 0 has type 0
    ...section(7, vec([[...name('sweep'), 0x00, ...uleb(0)]])), // export "sweep" = function 0
    ...section(10, vec([[...uleb(func.length), ...func]])),
  ]);
}

/** The parts of TF.js's wasm backend that locate its memory. */
interface WasmModuleLike {
  HEAPU8?: Uint8Array;
  asm?: Record<string, unknown>;
  wasmExports?: Record<string, unknown>;
  wasmMemory?: unknown;
}

/** The wasm backend's memory, when it is a plain (unshared) WebAssembly.Memory backing its heap. */
export function heapMemory(backend: unknown): WebAssembly.Memory | null {
  if (typeof WebAssembly === 'undefined') return null;
  const wasm = (backend as { wasm?: WasmModuleLike }).wasm;
  if (wasm === undefined || wasm.HEAPU8 === undefined) return null;
  for (const candidate of [wasm.asm?.memory, wasm.wasmExports?.memory, wasm.wasmMemory]) {
    if (candidate instanceof WebAssembly.Memory && candidate.buffer === wasm.HEAPU8.buffer) {
      return candidate.buffer instanceof ArrayBuffer ? candidate : null;
    }
  }
  return null;
}

const cache = new WeakMap<WebAssembly.Memory, Map<string, SweepFn | null>>();

/** `sweep` for (LB, OV) bound to `memory`, compiled once; null when this runtime cannot run it. */
export function outerProductSweep(memory: WebAssembly.Memory, lb: number, ov: number): SweepFn | null {
  let byShape = cache.get(memory);
  if (byShape === undefined) cache.set(memory, (byShape = new Map()));
  const key = `${lb}x${ov}`;
  if (!byShape.has(key)) {
    let fn: SweepFn | null = null;
    try {
      const module = new WebAssembly.Module(outerProductModuleBytes(lb, ov));
      fn = new WebAssembly.Instance(module, { env: { memory } }).exports.sweep as SweepFn;
    } catch {
      fn = null; // no SIMD, or the memory cannot be imported
    }
    byShape.set(key, fn);
  }
  return byShape.get(key) ?? null;
}
