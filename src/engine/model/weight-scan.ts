/**
 * Non-fatal findings about weight values: NaN/Inf (the model still loads, but its outputs will be
 * poisoned) and quantized storage (TF.js dequantizes on load). Reads bytes only; no tensors.
 */
import type { Warning } from '../errors';
import { elementCount, type WeightSpec } from './manifest';

interface Found {
  name: string;
  count: number;
}

export function scanWeights(specs: WeightSpec[], offsets: number[], data: ArrayBuffer): Warning[] {
  const view = new DataView(data);
  const nan: Found[] = [];
  const inf: Found[] = [];
  specs.forEach((spec, i) => {
    const counts = countNonFinite(spec, view, offsets[i]);
    if (counts.nan > 0) nan.push({ name: spec.name, count: counts.nan });
    if (counts.inf > 0) inf.push({ name: spec.name, count: counts.inf });
  });
  const warnings: Warning[] = [];
  if (nan.length > 0) warnings.push({ code: 'NAN_WEIGHTS', message: describe('NaN', nan) });
  if (inf.length > 0) warnings.push({ code: 'INF_WEIGHTS', message: describe('infinite', inf) });
  const quantized = [...new Set(specs.flatMap((s) => (s.quantization ? [s.quantization.dtype] : [])))];
  if (quantized.length > 0) {
    warnings.push({
      code: 'QUANTIZED_WEIGHTS',
      message: `Weights are stored quantized (${quantized.join(', ')}). TF.js dequantizes them to float32 on load, so accuracy reflects the quantized values and memory use is that of float32.`,
    });
  }
  return warnings;
}

function describe(kind: string, found: Found[]): string {
  const total = found.reduce((n, f) => n + f.count, 0);
  const names = found.slice(0, 5).map((f) => `${f.name} (${f.count})`).join(', ');
  const more = found.length > 5 ? ` and ${found.length - 5} more` : '';
  return `${total} ${kind} value${total === 1 ? '' : 's'} in ${found.length} weight${found.length === 1 ? '' : 's'}: ${names}${more}. The model loads, but outputs that depend on them will be ${kind === 'NaN' ? 'NaN' : 'infinite or NaN'}.`;
}

function countNonFinite(spec: WeightSpec, view: DataView, offset: number): { nan: number; inf: number } {
  let nan = 0;
  let inf = 0;
  const q = spec.quantization?.dtype;
  const n = elementCount(spec.shape);
  if (q === 'float16') {
    for (let i = 0; i < n; i++) {
      const bits = view.getUint16(offset + 2 * i, true);
      if ((bits & 0x7c00) === 0x7c00) {
        if (bits & 0x03ff) nan++;
        else inf++;
      }
    }
  } else if (!q && (spec.dtype === 'float32' || spec.dtype === 'complex64')) {
    const values = spec.dtype === 'complex64' ? 2 * n : n;
    for (let i = 0; i < values; i++) {
      const v = view.getFloat32(offset + 4 * i, true);
      if (v !== v) nan++;
      else if (v === Infinity || v === -Infinity) inf++;
    }
  }
  // uint8/uint16 dequantize as q * scale + min with finite scale/min (checked): always finite.
  return { nan, inf };
}
