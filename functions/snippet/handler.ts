import { EVENTS_URL_VARIABLE, SNIPPET_FILE_VARIABLE } from '../contracts/names';
import { createHandler, snippetDependencies } from './app';

/**
 * Lambda entry of GET /v1/snippet.js (see app.ts). Its two variables are read without the zod decoder the other
 * functions use (platform/env.ts), which would grow this 25 KB bundle eighteenfold; the parity test still holds
 * it to the function table.
 */
const snippetFile = process.env[SNIPPET_FILE_VARIABLE];
if (!snippetFile) throw new Error(`Environment variable ${SNIPPET_FILE_VARIABLE} is not set`);
export const handler = createHandler(snippetDependencies(snippetFile, process.env[EVENTS_URL_VARIABLE] || undefined));
