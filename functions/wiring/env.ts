import { z } from 'zod';

/**
 * Reads and validates environment variables once, at the edge. A missing or invalid variable fails
 * with one message naming it.
 */
export function readEnv<T extends z.ZodRawShape>(shape: T, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<T>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    return env[name] === undefined ? `Environment variable ${name} is required` : `Environment variable ${name}: ${issue.message}`;
  });
  throw new Error(problems.join('; '));
}
