import * as z from 'zod';

/**
 * The environment-variable contract of the functions. Each function's variables are one zod object of codecs:
 * the CDK constructs and the local runtime encode typed values into strings with it, and the function decodes
 * the strings back with the same schema, so a variable cannot be renamed, dropped or mistyped on one side only.
 */

/** A variable holding JSON, validated by `schema` when decoded. */
export const jsonVariable = <S extends z.ZodType>(schema: S) =>
  z.codec(z.string(), schema, {
    decode: (text, context) => {
      try {
        return JSON.parse(text) as z.input<S>;
      } catch {
        context.issues.push({ code: 'custom', message: 'not valid JSON', input: text });
        return z.NEVER;
      }
    },
    encode: (value) => JSON.stringify(value),
  });

/** A plain, non-empty variable (names, URLs, paths; CDK tokens pass through unchanged when encoded). */
export const textVariable = () => z.string().min(1);

/** Each variable a codec from its string; an optional one (`.optional()`) may be left unset. */
export type EnvironmentSchema = z.ZodObject<Record<string, z.ZodType<unknown, string> | z.ZodOptional<z.ZodType<unknown, string>>>>;

/** Typed values as a function sees them after decoding. */
export type EnvironmentValues<S extends EnvironmentSchema> = z.output<S>;

/** The strings to set, from typed values. */
export function encodeEnvironment<S extends EnvironmentSchema>(schema: S, values: z.output<S>): Record<string, string> {
  return z.encode(schema, values) as Record<string, string>;
}

/** A missing or malformed variable is a deployment bug: the cold start fails loudly, naming the variable. */
export function decodeEnvironment<S extends EnvironmentSchema>(
  schema: S,
  environment: Readonly<Record<string, string | undefined>>,
  functionName: string,
): z.output<S> {
  const result = schema.safeParse(environment);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  throw new Error(`Environment of ${functionName} is invalid: ${problems.join('; ')}`);
}
