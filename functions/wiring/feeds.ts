import { z } from 'zod';
import { jsonLogger } from '../adapters/json-logger.ts';
import type { BuildDeps } from '../core/site/build.ts';
import { readEnv } from './env.ts';
import { localBuildDeps } from './local.ts';

/** Site-build dependencies for the feeds Lambda, from its environment. */
export function feedsDepsFromEnv(env: NodeJS.ProcessEnv = process.env): BuildDeps {
  const config = readEnv(
    {
      CONTENT_DIR: z.string().min(1),
      SITE_DIR: z.string().min(1),
      TEMPLATES_DIR: z.string().min(1).optional(),
    },
    env,
  );
  return localBuildDeps(
    { content: config.CONTENT_DIR, out: config.SITE_DIR, templates: config.TEMPLATES_DIR },
    jsonLogger({ service: 'feeds' }),
  );
}
