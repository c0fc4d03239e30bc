import * as z from 'zod';

/** Pieces every part of the HTTP API v1 uses: text normalisation, times, the error body. */

/** Lone UTF-16 surrogates (JSON lets a client escape one) are not text; stored as-is they break UTF-8 consumers. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** C0/C1 controls, and bidirectional overrides, which make a title read differently from what it holds. */
const CONTROL_CHARACTERS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

/** One spelling per text (NFC), so equal titles and paths aggregate as equal. */
export const normaliseText = (text: string): string => text.replace(LONE_SURROGATE, '\uFFFD').normalize('NFC');
export const cleanText = (text: string): string => normaliseText(text).replace(CONTROL_CHARACTERS, '');

export const IsoDateTimeSchema = z.iso.datetime({ offset: true });

export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      requestId: z.string().optional().describe('The request id (also the `X-Request-Id` header): quote it when reporting a problem.'),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

