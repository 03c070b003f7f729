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

/** Wrap anything thrown into the catalogue so the UI always gets a code and a message. */
export function toErrorInfo(e: unknown, fallback: ErrorCode = 'INTERNAL'): ErrorInfo {
  if (e instanceof BonsaiError) return e.toInfo();
  const message = e instanceof Error ? e.message : String(e);
  return { code: fallback, message: message || ERROR_CODES[fallback] };
}

export function abortError(): Error {
  const e = new Error('The job was cancelled.');
  e.name = 'AbortError';
  return e;
}
