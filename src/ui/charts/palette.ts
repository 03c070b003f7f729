/** Okabe–Ito: a colour-blind-safe palette, readable in light and dark themes. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442'];
