/**
 * The one catalogue of Bonsai error codes. Every failure the user can see is a BonsaiError with a
 * stable code, a message that names the operation and what was expected, and a hint of what to do.
 */
export const ERROR_CODES = {
  // Input files and model format
  EMPTY_FILE: 'A file is empty (0 bytes).',
  FILE_TOO_LARGE: 'A file is larger than Bonsai accepts.',
  NOT_JSON: 'model.json is not valid JSON.',
  JSON_TOO_DEEP: 'model.json is nested too deeply.',
  NOT_A_MODEL: 'The JSON is not a TF.js model.',
  UNSAFE_JSON_KEY: 'model.json contains a key that is not allowed.',
  NO_MODEL_JSON: 'No model.json was found.',
  MULTIPLE_MODEL_JSON: 'More than one model.json was found.',
  MISSING_SHARD: 'A weight file named in the manifest is missing.',
  SHARD_SIZE_MISMATCH: 'A weight file has the wrong size.',
  SHARD_PATH_OUTSIDE: 'The manifest names a weight file outside the model\'s folder.',
  WEIGHT_SHAPE_MISMATCH: 'A weight\'s shape in the manifest differs from its layer\'s.',
  SHARD_IS_HTML: 'A weight file is an HTML page, not binary weights.',
  SHARD_IS_LFS_POINTER: 'A weight file is a Git LFS pointer, not binary weights.',
  UNKNOWN_DTYPE: 'A weight has a dtype TF.js does not support.',
  BAD_WEIGHT_SPEC: 'A weight entry in the manifest is malformed.',
  WEIGHT_TOO_LARGE: 'A weight is larger than the memory cap.',
  UNSAFE_WEIGHT_NAME: 'A weight has a name that is not allowed.',
  UNKNOWN_LAYER: 'The model uses a layer class TF.js does not know.',
  BAD_TOPOLOGY: 'The model topology is malformed.',
  UNSUPPORTED_OP: 'The graph uses an op TF.js does not support.',
  ZIP_INVALID: 'The zip archive cannot be read.',
  ZIP_TOO_LARGE: 'The zip archive inflates to more than Bonsai accepts.',
  MODEL_LOAD_FAILED: 'TF.js could not build the model.',
  LOAD_TIMEOUT: 'Loading the model took too long.',
  // URLs
  URL_INVALID: 'The URL is not valid.',
  URL_FETCH_FAILED: 'The URL could not be fetched.',
  URL_HTTP_ERROR: 'The server answered with an error.',
  // Models and jobs
  MODEL_NOT_FOUND: 'The model is not loaded.',
  WRONG_INPUT_SHAPE: 'The input does not match the model.',
  BACKEND_UNAVAILABLE: 'The requested backend cannot start here.',
  JOB_FAILED: 'The job failed.',
  OUT_OF_MEMORY: 'The engine ran out of memory.',
  // Worker and storage
  WORKER_CRASHED: 'The engine stopped unexpectedly.',
  DEVICE_LOST: 'The GPU device was lost.',
  STORAGE_FULL: 'Browser storage is full.',
  STORAGE_UNAVAILABLE: 'Browser storage is not available.',
  RECORD_INVALID: 'A saved record is malformed or from an unknown version.',
  LINK_INVALID: 'The shared link is damaged or not a Bonsai experiment.',
  LINK_TOO_LONG: 'The shared link is longer than Bonsai accepts.',
  LINK_VERSION: 'The shared link was made by a newer version of Bonsai.',
  EXPERIMENT_NOT_FOUND: 'The experiment is no longer saved in this browser.',
  EXPERIMENT_NAME_INVALID: 'An experiment name is empty or too long.',
  BASE_FILE_MISMATCH: 'The picked file is not the base model the link was made from.',
  MODEL_IN_USE: 'The model is the base of a saved experiment.',
  // Data
  DATASET_UNAVAILABLE: 'The dataset could not be loaded.',
  NO_IMAGES: 'No images were found.',
  IMAGE_UNREADABLE: 'An image could not be read.',
  ONE_CLASS_ONLY: 'A labeled dataset needs at least two classes.',
  CHANNEL_MISMATCH: 'The model input has a channel count images cannot fill.',
  DATASET_TOO_LARGE: 'The dataset is larger than Bonsai holds in memory.',
  UNLABELED_DATA: 'This needs labelled data.',
  CSV_NO_HEADER: 'A CSV file has no header row of column names.',
  CSV_COLUMN_COUNT: 'A CSV row has a different number of cells than the header.',
  CSV_MISSING_VALUE: 'A CSV cell is empty or marked missing.',
  CSV_NOT_NUMERIC: 'A CSV feature cell is not a number.',
  CSV_NO_ROWS: 'A CSV file has a header but no data rows.',
  CSV_LABEL_COLUMN: 'The chosen label column is not in the CSV header.',
  NO_TRAINING_DATA: 'This needs a dataset split that is not loaded (training or validation).',
  // Training and evaluation
  BAD_CONFIG: 'A setting is out of range.',
  NOT_TRAINABLE: 'Bonsai cannot train this model.',
  TRAINING_DIVERGED: 'Training diverged (the loss is not a finite number).',
  OUTPUT_MISMATCH: 'The model output does not fit the labels or the other model.',
  NO_CANDIDATE: 'No architecture met the search constraints.',
  INTERNAL: 'Something went wrong inside Bonsai.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Plain-data form that crosses the worker boundary. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  hint?: string;
  /** A file the error is about, when there is one. */
  file?: string;
}

/** Non-fatal findings (e.g. NaN weights): the model loads, the user is told. */
export interface Warning {
  code: 'NAN_WEIGHTS' | 'INF_WEIGHTS' | 'QUANTIZED_WEIGHTS' | 'NOT_COUNTED_OPS' | 'IMAGES_SKIPPED' | 'FILES_IGNORED' | 'CLASSES_EMPTY';
  message: string;
}

export class BonsaiError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly file?: string;

  constructor(code: ErrorCode, message: string, hint?: string, file?: string) {
    super(message);
    this.name = 'BonsaiError';
    this.code = code;
    this.hint = hint;
    this.file = file;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message, hint: this.hint, file: this.file };
  }
}

/** An abort is never an error the user needs to see: callers check this first. */
export function isAbortError(e: unknown): boolean {
  return (
    typeof e === 'object' && e !== null && 'name' in e && (e as { name: unknown }).name === 'AbortError'
  );
}

/**
 * What the browser and TF.js's backends throw when an allocation fails. None of them is TF.js's
 * own: TF.js 4.22 passes these through unchanged.
 *  - V8, for an ArrayBuffer/typed array it cannot back (the CPU backend's tensors, weight
 *    decoding, data read back from a backend): `RangeError: Array buffer allocation failed`;
 *  - V8, for a wasm heap that cannot grow or start: `WebAssembly.Memory.grow(): Maximum memory size
 *    exceeded`, `WebAssembly.Memory(): could not allocate memory`, `Out of memory: Cannot allocate
 *    Wasm memory for new instance`;
 *  - emscripten (the WASM backend): `Cannot enlarge memory arrays …` / `Aborted(OOM)`, and a bare
 *    `Aborted()` (a WebAssembly.RuntimeError): the release build has no assertions, so its likely
 *    cause is a failed `new` (compiled without exceptions, an allocation failure aborts). The
 *    message says it was an abort, not that memory surely ran out; either way the module is dead
 *    after it (emscripten sets ABORT) and only a restarted engine works again;
 *  - WebGPU: a GPUOutOfMemoryError (an uncaptured error, or one a scope popped) and Chromium's
 *    `… out of memory` in a mapping or device-lost message.
 */
const OUT_OF_MEMORY_MESSAGE = /array buffer allocation failed|out of memory|could not allocate memory|cannot allocate wasm memory|maximum memory size exceeded|cannot enlarge memory|\(OOM\)/i;
const WASM_ABORT = /^Aborted\(/;

/** True when `e` is an allocation the browser or a backend could not satisfy. */
export function isOutOfMemory(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return typeof e === 'string' && OUT_OF_MEMORY_MESSAGE.test(e);
  const { name, message } = e as { name?: unknown; message?: unknown };
  // GPUError has no name of its own: its class says what it is.
  if (name === 'GPUOutOfMemoryError' || e.constructor?.name === 'GPUOutOfMemoryError') return true;
  if (typeof message !== 'string') return false;
  if (OUT_OF_MEMORY_MESSAGE.test(message)) return true;
  return name === 'RuntimeError' && WASM_ABORT.test(message);
}

const OUT_OF_MEMORY_HINT =
  'Free memory and try again: use a smaller batch size (or fewer samples), close other tabs and apps, '
  + 'and use "Restart engine" in the header to start from a clean engine (your library and saved experiments stay). '
  + 'If it happens again, try the WASM backend or a smaller model.';

/**
 * The OUT_OF_MEMORY error for `e` when it is one (see isOutOfMemory), else null. `what` names the
 * operation ("Loading model.json", "The benchmark"…); the original message is kept after it.
 */
export function outOfMemoryError(e: unknown, what = 'The job', file?: string): BonsaiError | null {
  if (e instanceof BonsaiError || !isOutOfMemory(e)) return null;
  const detail = typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : String(e);
  const wasmAbort = WASM_ABORT.test(detail) && !OUT_OF_MEMORY_MESSAGE.test(detail);
  return new BonsaiError(
    'OUT_OF_MEMORY',
    wasmAbort
      ? `${what} failed: the WASM engine aborted, most likely because it ran out of memory (${detail}).`
      : `${what} ran out of memory: an allocation failed (${detail}).`,
    OUT_OF_MEMORY_HINT,
    file,
  );
}

/** Wrap anything thrown into the catalogue so the UI always gets a code and a message. */
export function toErrorInfo(e: unknown, fallback: ErrorCode = 'INTERNAL'): ErrorInfo {
  if (e instanceof BonsaiError) return e.toInfo();
  const oom = outOfMemoryError(e);
  if (oom) return oom.toInfo();
  const message = e instanceof Error ? e.message : String(e);
  return { code: fallback, message: message || ERROR_CODES[fallback] };
}

export function abortError(): Error {
  const e = new Error('The job was cancelled.');
  e.name = 'AbortError';
  return e;
}
