/**
 * The name a model gets when the user did not give one: from its model.json stem ("resnet.json"),
 * else its nearest folder or zip that says something ("mnist-cnn/model.json",
 * "mnist-cnn.zip/tfjs/model.json"), else its URL's folders or host. Folders that every export tool
 * writes ("model", "tfjs", "web_model", …) say nothing and are skipped. Null when nothing names it:
 * the caller then adds the model's fingerprint, so eight plain model.json files never read as eight
 * identical "model" rows.
 */
const GENERIC = new Set(['model', 'models', 'tfjs', 'tfjs_model', 'tfjs-model', 'web_model', 'web-model', 'js', 'export', 'exported', 'output', 'dist', 'files', '.', '']);

function meaningful(part: string): string | null {
  const name = part.replace(/\.(zip|json)$/i, '').trim();
  return GENERIC.has(name.toLowerCase()) ? null : name;
}

/** The first meaningful name, reading a path from its file up to its root. */
function fromPathParts(parts: string[]): string | null {
  for (let i = parts.length - 1; i >= 0; i--) {
    const name = meaningful(parts[i]);
    if (name) return name;
  }
  return null;
}

export type NameSource = { kind: 'sample'; sampleId: string } | { kind: 'url'; url: string } | { kind: 'files' | 'library' };

export function defaultModelName(source: NameSource, modelJsonPath: string): string | null {
  if (source.kind === 'sample') return source.sampleId;
  if (source.kind === 'url') {
    let url: URL;
    try {
      url = new URL(source.url);
    } catch {
      return null;
    }
    const parts = url.pathname.split('/').map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
    return fromPathParts(parts) ?? (url.hostname || null);
  }
  return fromPathParts(modelJsonPath.replace(/^zip:/, '').split('/'));
}

/** A name for a model nothing names: "model 3f2a1c9d" (its SHA-256's first 8 hex digits). */
export function fingerprintName(sha256: string): string {
  return `model ${sha256.slice(0, 8)}`;
}
