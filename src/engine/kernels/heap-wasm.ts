/**
 * What Bonsai's hand-assembled WebAssembly kernels share: the bits of the binary format they are
 * written in (as simd-peak.ts does — which keeps its own copy, as it must stay import-free for the
 * Blob worker scripts/bench/simd-figure.mjs builds from it: no toolchain, no eval), a module of one exported function that
 * imports a memory, the memory of TF.js's wasm backend (so kernels read and write tensors in
 * place), and a per-memory cache of compiled functions.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';

/** The part of TF.js's wasm backend the heap kernels use (its own class is not exported). */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  disposeData(dataId: unknown): boolean;
}

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export const get = (i: number) => [0x20, ...uleb(i)];
export const set = (i: number) => [0x21, ...uleb(i)];
export const i32Const = (n: number) => [0x41, ...sleb(n)];
export const f32Const = (v: number) => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)];
/** memarg: alignment hint 0 (unaligned is fine), byte offset. */
export const memarg = (offset: number) => [0x00, ...uleb(offset)];
/** local[i] += local[step] (i32). */
export const addTo = (i: number, step: number) => [...get(i), ...get(step), 0x6a, ...set(i)];
/** local[i] -= 1, then br_if 0 (the enclosing loop) while it is not zero. */
export const countDownLoop = (i: number) => [...get(i), ...i32Const(1), 0x6b, ...set(i), ...get(i), 0x0d, 0x00];

/**
 * A module importing env.memory (any size) and exporting `fnName`: `params` i32 parameters, no
 * result, `locals` as [count, type] groups, `body` the instructions (ending with 0x0b).
 */
export function moduleBytes(fnName: string, params: number, locals: [number, number][], body: number[]): Uint8Array<ArrayBuffer> {
  const func = [...vec(locals.map(([count, type]) => [...uleb(count), type])), ...body];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(Array.from({ length: params }, () => [I32])), ...vec([])]])), // type 0
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])), // import env.memory, min 0 pages
    ...section(3, vec([uleb(0)])), // function 0 has type 0
    ...section(7, vec([[...name(fnName), 0x00, ...uleb(0)]])), // export it
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

const cache = new WeakMap<WebAssembly.Memory, Map<string, unknown>>();

/**
 * The function `fnName` of the module `bytes()` builds, bound to `memory`, compiled once per
 * (memory, key); null when this runtime cannot compile or link it (no SIMD, a shared memory).
 */
export function heapFunction<F>(memory: WebAssembly.Memory, key: string, fnName: string, bytes: () => Uint8Array<ArrayBuffer>): F | null {
  let byKey = cache.get(memory);
  if (byKey === undefined) cache.set(memory, (byKey = new Map()));
  if (!byKey.has(key)) {
    let fn: unknown = null;
    try {
      fn = new WebAssembly.Instance(new WebAssembly.Module(bytes()), { env: { memory } }).exports[fnName] ?? null;
    } catch {
      fn = null;
    }
    byKey.set(key, fn);
  }
  return (byKey.get(key) as F | null) ?? null;
}
