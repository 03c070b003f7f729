/**
 * Per-layer overrides: which `perLayer` key applies to a weight. A key matches the weight's layer
 * name or the weight's own name: exactly, as a glob (`*` any run, `?` one character, whole-name
 * match) or as a substring. Exact matches win, then globs, then substrings; ties go to key order.
 */

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export function matchOverride<T>(overrides: Record<string, T> | undefined, weightName: string, layer?: string): T | undefined {
  if (!overrides) return undefined;
  const keys = Object.keys(overrides);
  const names = layer !== undefined ? [layer, weightName] : [weightName];
  const exact = keys.find((k) => names.includes(k));
  if (exact !== undefined) return overrides[exact];
  const glob = keys.find((k) => /[*?]/.test(k) && names.some((n) => globToRegExp(k).test(n)));
  if (glob !== undefined) return overrides[glob];
  const sub = keys.find((k) => k !== '' && names.some((n) => n.includes(k)));
  return sub !== undefined ? overrides[sub] : undefined;
}
