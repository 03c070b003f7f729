/**
 * out = x + bias along the last axis, as one SIMD128 pass in TF.js's wasm heap (heap-wasm.ts).
 * The bias repeats every C floats, so it repeats every P = lcm(C, 4) floats, a whole number of
 * vectors: `pattern` holds the bias tiled to P floats and the function adds it, vector by vector,
 * to each P-float chunk of x. Each output element is the same single float32 addition x[i] + b[c]
 * as any other Add, so the result is bit-identical to the CPU backend's; the < P floats left over
 * at the end are added in JavaScript (Math.fround of the double sum: the same float32 sum).
 */
import { addTo, countDownLoop, get, heapFunction, i32Const, memarg, moduleBytes, set, uleb, I32 } from './heap-wasm';

/** (x, pattern, out, chunks) → (): out[k·P + i] = x[k·P + i] + pattern[i] for k < chunks, i < P. */
export type BiasAddFn = (x: number, pattern: number, out: number, chunks: number) => void;

const simd = (op: number) => [0xfd, ...uleb(op)];

/** Floats per chunk for C channels: lcm(C, 4). */
export function patternLength(channels: number): number {
  const g = channels % 4 === 0 ? 4 : channels % 2 === 0 ? 2 : 1;
  return (channels * 4) / g;
}

/** The module for chunks of `vectors` v128 (P / 4): exports `add`. */
export function biasAddModuleBytes(vectors: number): Uint8Array<ArrayBuffer> {
  if (!(Number.isInteger(vectors) && vectors >= 1 && vectors <= 64)) throw new RangeError(`bias add: 1…64 vectors per chunk expected, got ${vectors}`);
  const [X, PATTERN, OUT, CHUNKS] = [0, 1, 2, 3];
  const STEP = 4; // i32 local: chunk bytes
  const body: number[] = [...i32Const(vectors * 16), ...set(STEP)];
  body.push(0x03, 0x40); // loop over chunks
  for (let v = 0; v < vectors; v++) {
    body.push(...get(OUT), ...get(X), ...simd(0x00), ...memarg(v * 16), ...get(PATTERN), ...simd(0x00), ...memarg(v * 16));
    body.push(...simd(0xe4), ...simd(0x0b), ...memarg(v * 16)); // f32x4.add, v128.store
  }
  body.push(...addTo(X, STEP), ...addTo(OUT, STEP), ...countDownLoop(CHUNKS));
  body.push(0x0b, 0x0b); // end loop, end function
  return moduleBytes('add', 4, [[1, I32]], body);
}

export function biasAddFunction(memory: WebAssembly.Memory, channels: number): BiasAddFn | null {
  const vectors = patternLength(channels) / 4;
  return heapFunction<BiasAddFn>(memory, `bias-add ${vectors}`, 'add', () => biasAddModuleBytes(vectors));
}
