import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers/cli.ts';

// Registered before any test file's own hooks, so it runs after them (servers stopped first).
afterAll(removeTempDirs);
