import { PRUNE_META, DEFAULT_FINE_TUNE } from '../../engine/techniques/prune/meta';
import { QUANTIZE_META } from '../../engine/techniques/quantize/meta';
import { PruneOptions } from './PruneOptions';
import { SensitivityScan } from './SensitivityScan';
import { QuantizeOptions } from './QuantizeOptions';
import { TechniquePanel, type RecipePreset } from './TechniquePanel';

export function PrunePanel() {
  return (
    <TechniquePanel
      technique="prune"
      meta={PRUNE_META}
      Options={PruneOptions}
      chartKeys={['sparsity', 'removedFraction', 'after', 'metric']}
      tools={<SensitivityScan />}
      intro={
        <p>
          Unstructured and N:M pruning make weights exactly zero: the exported file gzips smaller, but stock TF.js has no sparse kernels,
          so latency stays the same. Structured pruning removes whole filters and units and rebuilds a smaller model: it is faster.
        </p>
      }
    />
  );
}

/** Han et al.'s Deep Compression, stock-loadable: gradual pruning, then clustering on the uint8 grid. */
const DEEP_COMPRESSION: RecipePreset = {
  id: 'deep-compression',
  label: 'Deep Compression',
  description: 'Gradual magnitude pruning to 90% with fine-tuning, then 16-cluster weight sharing stored as plain uint8: a file stock TF.js loads, that gzips to a fraction of float32.',
  steps: [
    { technique: 'prune', config: { method: 'magnitude', sparsity: 0.9, schedule: 'gradual', scope: 'global', fineTune: { ...DEFAULT_FINE_TUNE, epochs: 3 } } },
    { technique: 'quantize', config: { method: 'cluster', k: 16 } },
  ],
};

export function QuantizePanel() {
  return (
    <TechniquePanel
      technique="quantize"
      meta={QUANTIZE_META}
      Options={QuantizeOptions}
      recipes={[DEEP_COMPRESSION]}
      chartKeys={['bytesAfter', 'bytesBefore', 'sqnrDb', 'maxError']}
      intro={
        <p>
          Weights are written in TF.js&apos;s own quantized format, so the file loads with stock <code>tf.loadLayersModel</code> /{' '}
          <code>tf.loadGraphModel</code>. TF.js dequantizes to float32 on load: the download shrinks, memory and latency do not.
        </p>
      }
    />
  );
}
