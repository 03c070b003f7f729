/**
 * Structural and byte-level mutations for the fuzzer, each described by plain data that fast-check
 * generates (so a failing case is reproducible from its seed and printable).
 */
import fc from 'fast-check';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mutations poke at arbitrary JSON
type AnyJson = any;

/** Values hostile files use: extremes, wrong types, prototype names, traversal, unknown names. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(0, -1, 1.5, -0.5, 1e10, 2 ** 31, 2 ** 53, 1e300, -1e300, null, true, false, '', ' ', '__proto__', 'constructor',
    'prototype', '../x.bin', '/etc/passwd', 'float64', 'int4', 'string', 'Dense', 'Conv2D', 'FancyOp', 'Sequential', 'Model', [], {}, [1e10],
    [null], [-1], [0], [4, 3], [[]], { class_name: 'Zeros', config: {} }, { dtype: 'uint8' }, '<script>alert(1)</script>', 'javascript:alert(1)'),
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 20 }),
  fc.integer({ min: -5, max: 100_000 }),
);

export const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'name', 'class_name', 'config', 'shape', 'dtype', 'paths', 'input',
  'inbound_nodes', 'units', 'quantization', 'layers', 'node', 'weights', 'toString'), fc.string({ maxLength: 8 }));

export interface JsonEdit {
  at: number;
  kind: 'replace' | 'delete' | 'duplicate' | 'add-key' | 'swap';
  key: string;
  value: unknown;
}

export const jsonEdits = (max = 4): fc.Arbitrary<JsonEdit[]> =>
  fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom<JsonEdit['kind']>('replace', 'delete', 'duplicate', 'add-key', 'swap'), key: hostileKey, value: hostileValue }),
    { minLength: 1, maxLength: max });

/** Every [parent, key] slot under `root` (depth-first, deterministic). */
function slots(root: AnyJson): [AnyJson, string | number][] {
  const out: [AnyJson, string | number][] = [];
  const walk = (node: AnyJson) => {
    if (Array.isArray(node)) node.forEach((v, i) => { out.push([node, i]); walk(v); });
    else if (node && typeof node === 'object') for (const k of Object.keys(node)) { out.push([node, k]); walk(node[k]); }
  };
  walk(root);
  return out;
}

/** Own property even for "__proto__" (an assignment would change the object's prototype instead). */
function setOwn(obj: AnyJson, key: string | number, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Apply edits to a deep copy of `json`, inside `subtree` (a top-level key) when given. */
export function applyJsonEdits(json: AnyJson, edits: JsonEdit[], subtree?: string): AnyJson {
  const copy = JSON.parse(JSON.stringify(json));
  for (const e of edits) {
    const root = subtree ? copy[subtree] : copy;
    const all = slots(root);
    if (all.length === 0) continue;
    const [parent, key] = all[e.at % all.length];
    const value = JSON.parse(JSON.stringify(e.value ?? null));
    if (e.kind === 'replace') setOwn(parent, key, value);
    else if (e.kind === 'delete') Array.isArray(parent) ? parent.splice(key as number, 1) : delete parent[key];
    else if (e.kind === 'duplicate') Array.isArray(parent) ? parent.push(JSON.parse(JSON.stringify(parent[key as number]))) : setOwn(parent, `${String(key)}_2`, parent[key]);
    else if (e.kind === 'swap') {
      const siblings = Array.isArray(parent) ? parent.map((_, i) => i) : Object.keys(parent);
      const other = siblings[(e.at >>> 3) % siblings.length];
      const t = parent[key];
      setOwn(parent, key, parent[other]);
      setOwn(parent, other, t);
    } else {
      const target = parent[key];
      if (target && typeof target === 'object' && !Array.isArray(target)) setOwn(target, e.key, value);
      else if (Array.isArray(target)) target.push(value);
    }
  }
  return copy;
}

export interface ByteEdit {
  at: number;
  kind: 'flip' | 'set' | 'insert' | 'delete' | 'truncate';
  byte: number;
  length: number;
}

export const byteEdits = (max = 4): fc.Arbitrary<ByteEdit[]> =>
  fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom<ByteEdit['kind']>('flip', 'set', 'insert', 'delete', 'truncate'), byte: fc.nat(255), length: fc.integer({ min: 1, max: 16 }) }),
    { minLength: 1, maxLength: max });

export function applyByteEdits(bytes: Uint8Array, edits: ByteEdit[]): Uint8Array {
  let b = bytes.slice();
  for (const e of edits) {
    if (b.length === 0) break;
    const i = e.at % b.length;
    if (e.kind === 'flip') b[i] ^= 1 << (e.byte % 8);
    else if (e.kind === 'set') b.fill(e.byte, i, i + e.length);
    else if (e.kind === 'insert') b = Uint8Array.from([...b.subarray(0, i), ...new Uint8Array(e.length).fill(e.byte), ...b.subarray(i)]);
    else if (e.kind === 'delete') b = Uint8Array.from([...b.subarray(0, i), ...b.subarray(i + e.length)]);
    else b = b.slice(0, i);
  }
  return b;
}
