import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { ROOT } from './cli.ts';

/**
 * Starts s3rver in its own Node process on a free loopback port, with the given buckets, keeping its
 * objects under `dir`. Its list continuation tokens use DES, which Node 20 offers only with the
 * OpenSSL legacy provider.
 */
export async function startS3rver(dir: string, buckets: string[]): Promise<{ child: ChildProcess; port: number; endpoint: string }> {
  const script = `
    const S3rver = require('s3rver');
    new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: ${JSON.stringify(dir)},
      configureBuckets: ${JSON.stringify(buckets.map((name) => ({ name })))} })
      .run().then((a) => console.log('listening ' + a.port));`;
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const port = Number(/^listening (\d+)$/.exec(line)?.[1]);
  if (!port) throw new Error(`s3rver did not start: ${line}`);
  return { child, port, endpoint: `http://127.0.0.1:${port}` };
}
