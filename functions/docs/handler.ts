import { readEnvironment } from '../platform/env';
import { createHandler, docsDependencies } from './app';

/** Lambda entry of GET /docs and GET /docs/{asset} (see app.ts). */
export const handler = createHandler(docsDependencies(readEnvironment('docs').DOCS_DIR));
