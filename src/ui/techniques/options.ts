/** The props every technique's Options form takes (Squoosh's `{options, onChange}`). */
import type { ReactNode } from 'react';

export interface OptionsProps<C> {
  config: C;
  onChange(config: C): void;
}

export type OptionsComponent<C = unknown> = (props: OptionsProps<C>) => ReactNode;
