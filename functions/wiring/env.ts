import * as z from '../core/schema.ts';

/** A variable that must be set, and not to an empty string. */
export const required = z.string().check(z.minLength(1));
/** A variable that may be absent. */
export const optional = <T extends z.core.SomeType>(schema: T) => z.optional(schema);
/** A positive number (environment values are strings). */
export const positiveNumber = z.coerce.number().check(z.positive());

/**
 * Reads and validates environment variables once, at the edge. A missing or invalid variable fails
 * with one message naming it.
 */
export function readVariables<T extends z.core.$ZodLooseShape>(shape: T, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodMiniObject<T>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    return env[name] === undefined ? `Environment variable ${name} is required` : `Environment variable ${name}: ${issue.message}`;
  });
  throw new Error(problems.join('; '));
}
