import { useEffect, useState } from 'react';
import { loadSamples, type SampleEntry } from '../store/samples';

export function useSamples(): SampleEntry[] {
  const [samples, setSamples] = useState<SampleEntry[]>([]);
  useEffect(() => {
    let live = true;
    void loadSamples().then((list) => live && setSamples(list));
    return () => {
      live = false;
    };
  }, []);
  return samples;
}
