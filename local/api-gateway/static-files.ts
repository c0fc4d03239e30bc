import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GATEWAY_ERRORS, sendError } from './responses';

/** A file answered as is to GET and HEAD, outside the API (the local demo site); read per request, so edits show. */
export interface StaticFile {
  /** Exact path, e.g. `/demo/pricing`. */
  readonly path: string;
  readonly file: string;
  readonly contentType: string;
}

/** Answers the file and returns the status sent. */
export async function sendStatic(
  req: IncomingMessage,
  res: ServerResponse,
  staticFile: StaticFile,
  method: string,
  requestId: string,
): Promise<number> {
  req.resume();
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendError(res, GATEWAY_ERRORS.methodNotAllowed, requestId);
  }
  const body = await readFile(staticFile.file);
  res.statusCode = 200;
  res.setHeader('Content-Type', staticFile.contentType);
  res.setHeader('Content-Length', body.length);
  // A development page: always the file as it is now.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(method === 'HEAD' ? undefined : body);
  return 200;
}
