/**
 * Zod in its tree-shakable form (`zod/mini`), with English messages. The handlers that must start fast
 * and stay small (delivery, SES events) and every environment reader validate with it: it adds ~20 KB
 * to a bundle where classic `zod` adds ~450 KB and some 60 ms to a cold start. Settings and
 * front matter keep classic zod for its richer messages; both share one core.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

// Import as a namespace (`import * as z from './schema.ts'`) so that bundlers keep only what is used.
export * from 'zod/mini';
