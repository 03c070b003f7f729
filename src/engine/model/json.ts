/**
 * Parse model.json defensively: measure nesting depth on the raw text before JSON.parse (a deeply
 * nested file can overflow the parser's stack or ours later), and refuse keys that would reach
 * an object's prototype when TF.js copies configs key by key.
 */
import { BonsaiError } from '../errors';

/** Keys that change what an object inherits when assigned with obj[key] = value. */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Deepest array/object nesting in JSON text, counting only brackets outside strings. */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return max;
}

export function decodeJsonText(bytes: Uint8Array): string {
  // A UTF-8 BOM is legal in files saved by some editors; JSON.parse rejects it.
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function looksLikeHtml(text: string): boolean {
  return /^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<!--)/i.test(text.slice(0, 512));
}

export function parseModelJson(
  bytes: Uint8Array,
  file: string,
  maxDepth: number,
): Record<string, unknown> {
  const text = decodeJsonText(bytes);
  const depth = jsonDepth(text, maxDepth);
  if (depth > maxDepth) {
    throw new BonsaiError(
      'JSON_TOO_DEEP',
      `${file} nests arrays/objects more than ${maxDepth} levels deep.`,
      'A TF.js model.json is never this deep; the file is probably corrupt or not a model. Re-export the model.',
      file,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => {
      if (UNSAFE_KEYS.has(key)) throw new UnsafeKeyError(key);
      return v;
    });
  } catch (e) {
    if (e instanceof UnsafeKeyError) {
      throw new BonsaiError(
        'UNSAFE_JSON_KEY',
        `${file} contains the key "${e.key}", which Bonsai refuses because it can alter objects' prototypes.`,
        'A genuine TF.js model never uses this key. Re-export the model, or check where the file came from.',
        file,
      );
    }
    const why = e instanceof RangeError ? 'it is too deeply nested to parse' : (e as Error).message;
    const html = looksLikeHtml(text);
    throw new BonsaiError(
      'NOT_JSON',
      html
        ? `${file} is an HTML web page, not JSON.`
        : `${file} is not valid JSON: ${why}.`,
      html
        ? 'The server returned a web page (probably a 404 or a login page) instead of model.json. Check the URL or download the file again.'
        : 'Select the model.json written by the TF.js converter or model.save(), unmodified.',
      file,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BonsaiError(
      'NOT_A_MODEL',
      `${file} is JSON but not a TF.js model (expected an object with "modelTopology").`,
      'Select the model.json written by the TF.js converter or model.save().',
      file,
    );
  }
  return value as Record<string, unknown>;
}

class UnsafeKeyError extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}
