import htm from 'htm';
import { h } from 'preact';

/** Tagged templates instead of JSX: no compile step beyond esbuild's type stripping, and no eval (htm parses once). */
export const html = htm.bind(h);
