import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

/** The project root (where `templates/` and `content/` live), from this file's place in `functions/wiring/`. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_TEMPLATES = resolve(PROJECT_ROOT, 'templates');
