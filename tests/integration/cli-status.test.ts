import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscribers.ts';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { openSystem } from '../../functions/wiring/system.ts';
import { BIN, ROOT, runCli, tempDir, tempTree, type RunResult } from '../helpers/cli.ts';
import { startDynalite, type LocalDynamo } from '../helpers/dynalite.ts';
import { issueRecord, settingsObject, settingsYaml } from '../helpers/factories.ts';

const ENV = { TOKEN_SECRET: 'status-cli-test-secret-that-is-long-enough' };
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function publication(): string {
  const digest = { ...(settingsObject().digest as Record<string, unknown>), schedule: { cron: '0 7 * * 1', timezone: 'Asia/Seoul' } };
  return tempTree({ 'publication.yaml': settingsYaml({ digest }) });
}

/** The next-send line's UTC time: Mondays 07:00 in Seoul are Sundays 22:00 UTC, within the coming week. */
function expectNextMonday(stdout: string): void {
  const next = /^next send: (\S+Z), Mon, \d{1,2} \w{3} \d{4}, 07:00 \(Asia\/Seoul\)$/m.exec(stdout);
  expect(next, stdout).not.toBeNull();
  const time = new Date(next![1]!);
  expect([time.getUTCDay(), time.getUTCHours(), time.getUTCMinutes()]).toEqual([0, 22, 0]);
  expect(time.getTime()).toBeGreaterThan(Date.now() - 60_000);
  expect(time.getTime() - Date.now()).toBeLessThanOrEqual(7 * 24 * 3600_000);
}

/** Runs the CLI without blocking this process, which serves the DynamoDB stand-in the CLI talks to. */
function runCliAsync(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('newsletter status', () => {
  it('works on an empty store, then shows subscribers by state and the last issue', async () => {
    const content = publication();
    const cwd = tempDir();
    const run = (...args: string[]) => runCli([...args, '--content', content, '--data', 'store', '--create'], { cwd, env: ENV });

    const empty = run('status');
    expect(empty.stderr).toBe('');
    expect(empty.status).toBe(0);
    expect(empty.stdout).toContain('subscribers: 0 pending, 0 confirmed, 0 unsubscribed, 0 suppressed\nlast issue: none, no issue sent yet\n');
    expectNextMonday(empty.stdout);

    expect(run('subscribers', 'add', 'one@example.com').status).toBe(0);
    expect(run('subscribers', 'add', 'two@example.com').status).toBe(0);
    expect(run('subscribers', 'remove', 'two@example.com').status).toBe(0);
    // An issue part-way through its send, as the sender records it.
    const system = await openSystem({ contentDir: content, dataDir: join(cwd, 'store'), log: quiet, env: ENV });
    try {
      const at = new Date('2026-11-22T22:00:00Z');
      const issue = issueRecord(system.settings, { scheduledFor: at, batchesPlanned: 3, planComplete: true, sent: 48, skipped: 1, failed: 1 });
      await system.stores.issues.createIssue(issue);
      await system.stores.issues.completeBatch(issue.id, 1);
    } finally {
      await system.close();
    }

    const after = run('status');
    expect(after.status).toBe(0);
    expect(after.stdout).toContain('subscribers: 0 pending, 1 confirmed, 1 unsubscribed, 0 suppressed\n');
    expect(after.stdout).toContain('last issue: 2026-11-22T2200Z sending: sent 48, skipped 1, failed 1, batches 1/3\n');
    expectNextMonday(after.stdout);
  }, 120_000);

  it('with several newsletters, names each one\'s last issue and next send (the sample publication: digest and military)', async () => {
    const cwd = tempDir();
    const run = (...args: string[]) => runCli([...args, '--content', join(ROOT, 'content'), '--data', 'store', '--create'], { cwd, env: ENV });
    expect(run('send', '--at', '2024-11-25T00:00:00Z').status).toBe(0);
    const status = run('status');
    expect(status.status).toBe(0);
    const lines = status.stdout.trim().split('\n').slice(2);
    expect(lines.map((l) => l.split(':')[0])).toEqual(['digest', 'digest', 'military', 'military']);
    expect(lines[0]).toBe('digest: last issue: 2024-11-24T2200Z sent: sent 0, skipped 0, failed 0, batches 0/0');
    expect(lines[1]).toMatch(/^digest: next send: \S+Z, Mon, \d{1,2} \w{3} \d{4}, 07:00 \(Asia\/Seoul\)$/);
    expect(lines[2]).toBe('military: last issue: military-2024-11-21T0900Z sent: sent 0, skipped 0, failed 0, batches 0/0');
    expect(lines[3]).toMatch(/^military: next send: \S+Z, Thu, \d{1,2} \w{3} \d{4}, 18:00 \(Asia\/Seoul\)$/);
  }, 120_000);

  describe('against DynamoDB (TABLE_NAME set)', () => {
    let dynamo: LocalDynamo;
    beforeAll(async () => {
      dynamo = await startDynalite();
    });
    afterAll(async () => {
      await dynamo.close();
    });

    it('uses the table named in the environment and no local store', async () => {
      const table = await dynamo.table();
      const content = publication();
      const cwd = tempDir();
      const env = {
        ...ENV,
        TABLE_NAME: table,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        CONTENT_BUCKET: '',
      };
      const added = await runCliAsync(['subscribers', 'add', 'cloud@example.com', '--content', content, '--data', 'store'], cwd, env);
      expect(added).toMatchObject({ status: 0, stdout: 'added cloud@example.com (confirmed)\n' });
      const status = await runCliAsync(['status', '--content', content, '--data', 'store'], cwd, env);
      expect(status.stdout).toMatch(/^store: AWS\nsubscribers: 0 pending, 1 confirmed, 0 unsubscribed, 0 suppressed\n/);

      const stored = await new DynamoSubscriberStore(dynamo.docs, table).get(subscriberId('cloud@example.com'));
      expect(stored).toMatchObject({ email: 'cloud@example.com', state: 'confirmed' });
      expect(existsSync(join(cwd, 'store'))).toBe(false);
    }, 60_000);
  });
});
