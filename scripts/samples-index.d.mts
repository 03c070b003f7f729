/** Types for samples-index.mjs (plain JS so that .mjs scripts can use it too). */
export declare const ROOT: string;
export declare const SAMPLES_DIR: string;
export declare const INDEX_FILE: string;
export declare function readIndex(): Record<string, unknown>[];
export declare function writeIndex(entries: Record<string, unknown>[]): void;
