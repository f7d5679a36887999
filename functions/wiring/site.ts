import { resolve } from 'node:path';
import { FileContentSource } from '../adapters/fs-content.ts';
import { FileSiteOutput } from '../adapters/fs-output.ts';
import { FileTemplateSource } from '../adapters/fs-templates.ts';
import type { Logger } from '../core/ports.ts';
import type { BuildDeps } from '../core/site/build.ts';
import { DEFAULT_TEMPLATES } from './paths.ts';

export interface LocalPaths {
  content: string;
  out: string;
  templates?: string | undefined;
}

/** The site-build dependencies on one machine: files in, files out. */
export function localBuildDeps(paths: LocalPaths, log: Logger): BuildDeps {
  return {
    content: new FileContentSource(resolve(paths.content)),
    output: new FileSiteOutput(resolve(paths.out)),
    templates: new FileTemplateSource(resolve(paths.templates ?? DEFAULT_TEMPLATES)),
    log,
  };
}
