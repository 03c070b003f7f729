/**
 * The SIMD128 peak of this device, measured by a multiply-add microbenchmark (BENCHMARKS.md F9:
 * inference GFLOP/s as a share of "the peak measured in the same browser").
 *
 * The kernel is a hand-assembled WebAssembly module (the binary format written out below: type,
 * function, export and code sections; no toolchain, no eval) exporting `run(iterations: i32) -> f32`.
 * It keeps N independent v128 accumulators and, per accumulator and step, does
 *     acc_i = f32x4.add(f32x4.mul(acc_i, a), b)
 * i.e. 2 FLOPs per lane × 4 lanes = 8 FLOPs. N independent chains hide the mul→add latency
 * (~8 cycles on x86), so the loop is bound by SIMD throughput, not latency. The body is unrolled
 * UNROLL times per loop trip to keep the counter/branch overhead small.
 *
 * Plain SIMD128 only: separate mul and add, no relaxed-simd `f32x4.relaxed_madd` (FMA). That is what
 * TF.js's WASM backend runs: its XNNPACK build targets SIMD128 without relaxed SIMD, so its
 * multiply-adds are also a mul plus an add. The peak is therefore the like-for-like ceiling for
 * TF.js's kernels, not the chip's FMA peak (which would be ~2× higher).
 *
 * Single-threaded on purpose: on these 2-core machines TF.js's WASM backend runs 1 thread
 * (its default is min(4, hardwareConcurrency / 2)), so the share compares one thread with one thread.
 * Callers that run TF.js with more threads must scale the peak by that thread count.
 *
 * Pure: no DOM, no imports, so it runs unchanged in Node (tests), a worker, or a Blob worker that a
 * benchmark script builds from this very file (scripts/bench/simd-figure.mjs transpiles it).
 */

/** How many times the N multiply-adds are repeated per loop trip. */
export const SIMD_PEAK_UNROLL = 4;
/**
 * Default accumulator count: more chains than mul+add latency × SIMD FP ports needs, and with a and
 * b still within x64's 16 XMM registers (14 in use; 16 accumulators spill and get slower).
 */
export const SIMD_PEAK_DEFAULT_ACCUMULATORS = 12;

const F32X4_MUL = 0xe6; // SIMD opcodes after the 0xfd prefix, as unsigned LEB128
const F32X4_ADD = 0xe4;
const V128_CONST = 0x0c;
const F32X4_EXTRACT_LANE = 0x1f;
const V128 = 0x7b;
const I32 = 0x7f;
const F32 = 0x7d;

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

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function simd(op: number): number[] {
  return [0xfd, ...uleb(op)];
}

function f32x4Const(lanes: [number, number, number, number]): number[] {
  const bytes = new Uint8Array(new Float32Array(lanes).buffer);
  return [...simd(V128_CONST), ...bytes];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/**
 * The module's bytes. Locals: 0 = iterations (param), 1 = a, 2 = b, 3… = accumulators.
 *   a = 0.99999, b = 1e-5 (acc converges towards 1: no overflow, no denormals)
 *   block; loop
 *     br_if 1 (iterations == 0)
 *     UNROLL × (for each i: acc_i = acc_i * a + b)
 *     iterations -= 1; br 0
 *   end; end
 *   return lane 0 of (acc_0 + acc_1 + …)  — so no accumulator is dead code
 */
export function simdPeakModuleBytes(accumulators: number = SIMD_PEAK_DEFAULT_ACCUMULATORS, unroll: number = SIMD_PEAK_UNROLL): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(accumulators) || accumulators < 1 || accumulators > 64) throw new RangeError('accumulators must be 1…64');
  if (!Number.isInteger(unroll) || unroll < 1 || unroll > 64) throw new RangeError('unroll must be 1…64');
  const A = 1;
  const B = 2;
  const acc = (i: number) => 3 + i;
  const LOCAL_GET = 0x20;
  const LOCAL_SET = 0x21;

  const body: number[] = [];
  body.push(...f32x4Const([0.99999, 0.99999, 0.99999, 0.99999]), LOCAL_SET, ...uleb(A));
  body.push(...f32x4Const([1e-5, 1e-5, 1e-5, 1e-5]), LOCAL_SET, ...uleb(B));
  for (let i = 0; i < accumulators; i++) {
    const v = 0.5 + i / (2 * accumulators);
    body.push(...f32x4Const([v, v + 0.01, v + 0.02, v + 0.03]), LOCAL_SET, ...uleb(acc(i)));
  }
  body.push(0x02, 0x40); // block (no result)
  body.push(0x03, 0x40); // loop (no result)
  body.push(LOCAL_GET, 0, 0x45 /* i32.eqz */, 0x0d /* br_if */, 1);
  for (let u = 0; u < unroll; u++) {
    for (let i = 0; i < accumulators; i++) {
      body.push(LOCAL_GET, ...uleb(acc(i)), LOCAL_GET, ...uleb(A), ...simd(F32X4_MUL));
      body.push(LOCAL_GET, ...uleb(B), ...simd(F32X4_ADD), LOCAL_SET, ...uleb(acc(i)));
    }
  }
  body.push(LOCAL_GET, 0, 0x41 /* i32.const */, ...sleb(1), 0x6b /* i32.sub */, LOCAL_SET, 0);
  body.push(0x0c /* br */, 0);
  body.push(0x0b, 0x0b); // end loop, end block
  body.push(LOCAL_GET, ...uleb(acc(0)));
  for (let i = 1; i < accumulators; i++) body.push(LOCAL_GET, ...uleb(acc(i)), ...simd(F32X4_ADD));
  body.push(...simd(F32X4_EXTRACT_LANE), 0);
  body.push(0x0b); // end function

  const locals = vec([[...uleb(accumulators + 2), V128]]);
  const func = [...locals, ...body];

  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d], // "\0asm"
    ...[0x01, 0x00, 0x00, 0x00], // version 1
    ...section(1, vec([[0x60, ...vec([[I32]]), ...vec([[F32]])]])), // type: (i32) -> f32
    ...section(3, vec([uleb(0)])), // function 0 has type 0
    ...section(7, vec([[...vec([...'run'].map((c) => [c.charCodeAt(0)])), 0x00, ...uleb(0)]])), // export "run" = func 0
    ...section(10, vec([[...uleb(func.length), ...func]])), // code
  ];
  return new Uint8Array(bytes);
}

/** FLOPs of one `run` loop trip: accumulators × unroll × (mul + add) × 4 lanes. */
export function simdPeakFlopsPerIteration(accumulators: number, unroll: number = SIMD_PEAK_UNROLL): number {
  return accumulators * unroll * 2 * 4;
}

export interface SimdPeakOptions {
  /** Clock in ms (performance.now by default). */
  now?: () => number;
  /** A timed run lasts at least this long (default and minimum 200 ms; tests may pass less). */
  targetMs?: number;
  /** Timed runs at the calibrated iteration count; the best one is reported (default 5). */
  runs?: number;
  accumulators?: number;
}

export interface SimdPeak {
  /** Best run's GFLOP/s on one thread (FLOPs = mul + add per lane, 4 lanes). */
  gflops: number;
  /** Loop trips per timed run. */
  iterations: number;
  /** Duration of the best timed run. */
  ms: number;
  accumulators: number;
  unroll: number;
  /** GFLOP/s of every timed run, in order. */
  runsGflops: number[];
  /** The lane `run` returned (finite: the work is real). */
  checksum: number;
}

/**
 * Compile the module, calibrate the iteration count so one run lasts ≥ targetMs, then time `runs`
 * runs and keep the best (the least disturbed by the other tenants of a shared machine).
 * Blocks the calling thread for ~(runs + calibration) × targetMs: call it from a worker.
 */
export async function measureSimdPeak(options: SimdPeakOptions = {}): Promise<SimdPeak> {
  const now = options.now ?? (() => performance.now());
  const targetMs = options.targetMs ?? 200;
  const runs = Math.max(1, options.runs ?? 5);
  const accumulators = options.accumulators ?? SIMD_PEAK_DEFAULT_ACCUMULATORS;
  const bytes = simdPeakModuleBytes(accumulators, SIMD_PEAK_UNROLL);
  const { instance } = await WebAssembly.instantiate(bytes);
  const run = instance.exports.run as (iterations: number) => number;
  const flopsPerIteration = simdPeakFlopsPerIteration(accumulators, SIMD_PEAK_UNROLL);

  // Warm-up: a few short calls let the engine tier the function up from its baseline compiler.
  let checksum = 0;
  for (let i = 0; i < 5; i++) checksum += run(10_000);

  // Calibrate: grow until one call lasts ≥ targetMs (re-measured after each growth step).
  let iterations = 10_000;
  for (;;) {
    const t0 = now();
    checksum += run(iterations);
    const ms = now() - t0;
    if (ms >= targetMs) break;
    const factor = ms > 0 ? Math.min(8, Math.max(1.5, (targetMs * 1.1) / ms)) : 8;
    iterations = Math.min(0x7fffffff, Math.ceil(iterations * factor));
    if (iterations === 0x7fffffff) break;
  }
  // Headroom: a timed run that happens to be faster than the calibrating one still lasts ≥ targetMs.
  iterations = Math.min(0x7fffffff, Math.ceil(iterations * 1.3));

  const runsGflops: number[] = [];
  let bestMs = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = now();
    checksum += run(iterations);
    const ms = now() - t0;
    runsGflops.push((flopsPerIteration * iterations) / (ms * 1e6));
    bestMs = Math.min(bestMs, ms);
  }
  return {
    gflops: (flopsPerIteration * iterations) / (bestMs * 1e6),
    iterations,
    ms: bestMs,
    accumulators,
    unroll: SIMD_PEAK_UNROLL,
    runsGflops,
    checksum,
  };
}
