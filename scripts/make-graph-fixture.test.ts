/**
 * The committed sample models in public/samples load with stock TF.js and behave as index.json says:
 * the GraphModel fixture (scripts/make-graph-fixture.mjs) agrees with the LayersModel it was derived
 * from, and lenet-300-100 reproduces its recorded test accuracy.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { mnistLabels, mnistTensors, parseMnistBinary, type MnistData } from '../src/engine/data/mnist';
import { describeEachBackend } from '../src/engine/test-utils/backends';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLES = path.join(ROOT, 'public/samples');
const MNIST_FILE = path.join(ROOT, 'public/data/mnist-10k.bin');

interface IndexEntry {
  id: string;
  format: 'layers' | 'graph';
  path: string;
  params: number;
  testAccuracy: number | null;
  fixture?: boolean;
  derivedFrom?: string;
  inputShape: number[];
}

const index: IndexEntry[] = JSON.parse(readFileSync(path.join(SAMPLES, 'index.json'), 'utf8'));

/** Model artifacts from a model.json on disk, its weight files read with fs. */
async function artifactsFrom(id: string): Promise<tf.io.ModelArtifacts> {
  const dir = path.join(SAMPLES, id);
  const json: tf.io.ModelJSON = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
  return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const specs = manifest.flatMap((g) => g.weights);
    const buffers = manifest.flatMap((g) =>
      g.paths.map((p) => {
        const b = readFileSync(path.join(dir, p));
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
      }),
    );
    return [specs, tf.io.concatenateArrayBuffers(buffers)];
  });
}

let data: MnistData;
beforeAll(() => {
  if (!existsSync(MNIST_FILE)) {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/prepare-mnist.mjs')], { stdio: 'inherit' });
  }
  data = parseMnistBinary(new Uint8Array(readFileSync(MNIST_FILE)));
});

describe('public/samples/index.json', () => {
  it('lists lenet-300-100 and the mlp-graph fixture with their files', () => {
    const lenet = index.find((e) => e.id === 'lenet-300-100');
    const graph = index.find((e) => e.id === 'mlp-graph');
    expect(lenet).toMatchObject({ format: 'layers', params: 266610, inputShape: [28, 28, 1] });
    expect(graph).toMatchObject({ format: 'graph', fixture: true, derivedFrom: 'lenet-300-100', params: 266610 });
    expect(graph!.testAccuracy).toBe(lenet!.testAccuracy);
    for (const e of index) expect(existsSync(path.join(ROOT, 'public', e.path)), e.path).toBe(true);
    // Fixtures come after the picker samples.
    const firstFixture = index.findIndex((e) => e.fixture);
    expect(index.slice(firstFixture).every((e) => e.fixture)).toBe(true);
  });
});

describeEachBackend('sample models', (backend) => {
  it('mlp-graph loads as a GraphModel and agrees with lenet-300-100 on 100 test images', async () => {
    const graphArtifacts = await artifactsFrom('mlp-graph');
    expect(graphArtifacts.format).toBe('graph-model');
    const graph = await loadGraphModel(tf.io.fromMemory(graphArtifacts));
    const layers = await loadLayersModel(tf.io.fromMemory(await artifactsFrom('lenet-300-100')));
    expect(graph.inputs[0].shape).toEqual([-1, 784]);
    expect(graph.outputs).toHaveLength(1);

    const flat = mnistTensors(data, 'test', { flatten: true, limit: 100 });
    const image = mnistTensors(data, 'test', { limit: 100 });
    const g = graph.predict(flat.xs) as tf.Tensor;
    const l = layers.predict(image.xs) as tf.Tensor;
    expect(g.shape).toEqual([100, 10]);
    const [gv, lv] = [await g.data(), await l.data()];
    let maxDiff = 0;
    for (let i = 0; i < gv.length; i++) maxDiff = Math.max(maxDiff, Math.abs(gv[i] - lv[i]));
    expect(maxDiff).toBeLessThan(1e-5);
    const gArg = tf.argMax(g, 1);
    const lArg = tf.argMax(l, 1);
    const [ga, la] = [Array.from(await gArg.data()), Array.from(await lArg.data())];
    expect(ga).toEqual(la);
    // And it is a real classifier, not a constant.
    const labels = Array.from(mnistLabels(data, 'test', 100));
    expect(ga.filter((p, i) => p === labels[i]).length).toBeGreaterThanOrEqual(90);

    tf.dispose([flat.xs, flat.ys, image.xs, image.ys, g, l, gArg, lArg]);
    graph.dispose();
    layers.dispose();
  });

  it(`lenet-300-100 reproduces its recorded test accuracy on ${backend}`, async () => {
    const entry = index.find((e) => e.id === 'lenet-300-100')!;
    const model = await loadLayersModel(tf.io.fromMemory(await artifactsFrom('lenet-300-100')));
    const { xs, ys } = mnistTensors(data, 'test');
    const pred = tf.tidy(() => tf.argMax(model.predict(xs) as tf.Tensor, 1));
    const p = await pred.data();
    const labels = mnistLabels(data, 'test');
    let correct = 0;
    for (let i = 0; i < labels.length; i++) if (p[i] === labels[i]) correct++;
    // Trained on wasm; another backend may flip at most a borderline image or two.
    expect(Math.abs(correct / labels.length - entry.testAccuracy!)).toBeLessThanOrEqual(0.001);
    tf.dispose([xs, ys, pred]);
    model.dispose();
  });
});
