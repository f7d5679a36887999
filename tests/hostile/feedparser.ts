// feedparser (what many readers and aggregators use), through Debian's Python when it is installed.
import { spawnSync } from 'node:child_process';

const PYTHON = '/usr/bin/python3';

/** True when `/usr/bin/python3 -c 'import feedparser'` works (Debian's python3-feedparser). */
export const feedparserAvailable: boolean = spawnSync(PYTHON, ['-c', 'import feedparser'], { stdio: 'ignore' }).status === 0;

export interface ParsedEntry {
  title: string;
  title_type: string;
  id: string;
  link: string;
  summary: string;
  tags: string[];
}

export interface ParsedFeed {
  bozo: boolean;
  bozo_exception: string | null;
  version: string;
  entries: ParsedEntry[];
}

const SCRIPT = `
import json, sys, feedparser
out = []
for path in sys.argv[1:]:
    d = feedparser.parse(path)
    out.append({
        'bozo': bool(d.bozo),
        'bozo_exception': str(d.get('bozo_exception')) if d.bozo else None,
        'version': d.version,
        'entries': [{
            'title': e.get('title', ''),
            'title_type': e.get('title_detail', {}).get('type', ''),
            'id': e.get('id', ''),
            'link': e.get('link', ''),
            'summary': e.get('summary', ''),
            'tags': [t.get('term') for t in e.get('tags', [])],
        } for e in d.entries],
    })
json.dump(out, sys.stdout)
`;

/** Parses feed files with feedparser, one result per path. */
export function feedparse(paths: string[]): ParsedFeed[] {
  const run = spawnSync(PYTHON, ['-c', SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  if (run.status !== 0) throw new Error(`feedparser failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as ParsedFeed[];
}
