import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_MAJOR, RUNTIME } from '../../infra/bundling.ts';
import { ROOT } from '../helpers/cli.ts';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

describe('one Node major for Lambda, bundles and tests', () => {
  it('deploys on nodejs24.x', () => {
    expect(RUNTIME.name).toBe('nodejs24.x');
    expect(NODE_MAJOR).toBe(24);
  });

  it("runs the tests, and the processes they start, on the Lambda runtime's major", () => {
    const major = (version: string) => Number(version.split('.')[0]);
    expect(major(process.versions.node)).toBe(NODE_MAJOR);
    const child = spawnSync(process.execPath, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    expect(major(child.stdout)).toBe(NODE_MAJOR);
  });

  it('pins npm scripts to that major through the node package, and says so in engines', () => {
    expect(pkg.devDependencies.node).toMatch(new RegExp(`^\\^${NODE_MAJOR}\\.`));
    expect(pkg.engines.node).toMatch(new RegExp(`^>=${NODE_MAJOR}\\.`));
  });
});
