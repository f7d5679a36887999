// Benchmark: the local outbox (FileMailer) writing one issue's messages to 5,000 subscribers, and a
// new process finding what is there when it resumes (one directory listing), against the same writes
// with no delivery tags (no index kept). Prints min and median over several runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMailer } from '../../functions/adapters/file-mailer.ts';

const COUNT = 5_000;
const RUNS = 5;
const raw = Buffer.alloc(30 * 1024, 'x');

function figures(label: string, ms: number[]): void {
  const sorted = [...ms].sort((a, b) => a - b);
  console.log(`${label.padEnd(52)} min ${sorted[0]!.toFixed(0).padStart(6)} ms   median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0).padStart(6)} ms`);
}

async function writeAll(dir: string, tagged: boolean): Promise<number> {
  const mailer = new FileMailer(dir);
  const started = performance.now();
  for (let i = 0; i < COUNT; i++) {
    await mailer.send({ from: 'digest@example.org', to: `r${i}@example.org`, raw, tags: tagged ? { issue: '2026-01-05T0700Z', subscriber: `s${i}` } : { kind: 'test' } });
  }
  return performance.now() - started;
}

const tagged: number[] = [];
const untagged: number[] = [];
const resume: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const root = mkdtempSync(join(tmpdir(), 'bench-outbox-'));
  try {
    untagged.push(await writeAll(join(root, 'plain'), false));
    tagged.push(await writeAll(join(root, 'keyed'), true));
    // A resumed send: a new instance answers for a message that is already there.
    const started = performance.now();
    await new FileMailer(join(root, 'keyed')).send({ from: 'digest@example.org', to: 'r1@example.org', raw, tags: { issue: '2026-01-05T0700Z', subscriber: 's1' } });
    resume.push(performance.now() - started);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
figures(`write ${COUNT} messages, untagged (no index)`, untagged);
figures(`write ${COUNT} messages of one issue (indexed)`, tagged);
figures(`resume: first answer with ${COUNT} messages on disk`, resume);
