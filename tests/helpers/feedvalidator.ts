// The W3C Feed Validation Service's own code (github w3c/feedvalidator, pure Python 3), run from a
// checkout named by FEEDVALIDATOR_SRC (its src/ folder); the tests that need it are skipped without.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const SRC = process.env.FEEDVALIDATOR_SRC;

export const feedvalidatorAvailable: boolean = SRC !== undefined && existsSync(join(SRC, 'feedvalidator', '__init__.py'));

export interface Validation {
  errors: string[];
  warnings: string[];
}

// Validates each file as if served from its URL (so its self link matches), at the online service's
// level ("AA"), and prints errors and warnings apart.
const SCRIPT = `
import json, sys
import feedvalidator
from feedvalidator import compatibility
from feedvalidator.formatter.text_plain import Formatter
from feedvalidator.logging import Error
out = []
for path, url in zip(sys.argv[1::2], sys.argv[2::2]):
    with open(path, 'rb') as f:
        data = f.read()
    try:
        events = feedvalidator.validateString(data, firstOccurrenceOnly=1, base=url)['loggedEvents']
    except feedvalidator.logging.ValidationFailure as vf:
        events = [vf.event]
    events = compatibility.AA(events)
    errors = [e for e in events if isinstance(e, Error)]
    warnings = [e for e in events if not isinstance(e, Error)]
    out.append({'errors': list(Formatter(errors)), 'warnings': list(Formatter(warnings))})
json.dump(out, sys.stdout)
`;

/** Validates feed files, each as served from its URL: one result per file. */
export function validateFeeds(files: { path: string; url: string }[]): Validation[] {
  const run = spawnSync('/usr/bin/python3', ['-c', SCRIPT, ...files.flatMap((f) => [f.path, f.url])], { cwd: SRC, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`the feed validator failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Validation[];
}
