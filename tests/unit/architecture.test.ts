import { describe, expect, it } from 'vitest';
import { cycles, importGraph } from '../helpers/import-graph.ts';

// The layers point inwards (see the README's code layout), checked on the imports as the compiler
// resolves them. A small scan with the TypeScript compiler API, already a dependency, rather than a
// new tool: it reads type-only and dynamic imports too, resolves exactly as tsc does, and each rule
// below is a line or two of plain code.
const graph = importGraph(['functions', 'infra']);
const under = (dir: string) => [...graph.entries()].filter(([file]) => file.startsWith(dir));
/** `file -> import` for each import of a file under `dir` that `allowed` refuses. */
const offending = (dir: string, allowed: (target: string) => boolean) =>
  under(dir).flatMap(([file, imports]) => [...imports.files, ...imports.packages].filter((target) => !allowed(target)).map((target) => `${file} -> ${target}`));

const NETWORK_OR_DISK = /^(node:)?(fs|fs\/promises|http|https|http2|net|tls|dgram|dns|dns\/promises|child_process|worker_threads)$/;

describe('the import structure', () => {
  it('reads every source file', () => {
    expect(under('functions/core/').length).toBeGreaterThan(40);
    expect(under('functions/handlers/').length).toBeGreaterThan(7);
    expect(under('functions/lambdas/').length).toBe(10);
  });

  it('has no import cycle', () => {
    const edges = new Map([...graph].map(([file, imports]) => [file, imports.files]));
    expect(cycles(edges)).toEqual([]);
  });

  it('keeps core free of adapters, wiring, handlers, the AWS SDK, the file system, the network and the environment', () => {
    expect(offending('functions/core/', (target) => target.startsWith('functions/core/') || !(target.startsWith('functions/') || target.startsWith('infra/') || target.startsWith('@aws-sdk/') || NETWORK_OR_DISK.test(target)))).toEqual([]);
    expect(under('functions/core/').flatMap(([file, imports]) => imports.edges.map((edge) => `${file}:${edge}`))).toEqual([]);
  });

  it('lets a handler import only core and its HTTP helpers (and the aws-lambda types)', () => {
    expect(offending('functions/handlers/', (target) => target.startsWith('functions/core/') || target.startsWith('functions/handlers/http/') || target === 'aws-lambda')).toEqual([]);
  });

  it('lets only the deployment import a composition root (infra reads the environment spec)', () => {
    const outside = [...graph].filter(([file]) => !file.startsWith('functions/lambdas/') && !file.startsWith('infra/'));
    expect(outside.flatMap(([file, imports]) => imports.files.filter((target) => target.startsWith('functions/lambdas/')).map((target) => `${file} -> ${target}`))).toEqual([]);
  });

  it('reads the environment only at the edges: composition roots, wiring, the CLI and the local server', () => {
    const readers = [...graph].filter(([, imports]) => imports.edges.some((edge) => edge.includes('process.env'))).map(([file]) => file);
    expect(readers.filter((file) => !/^functions\/(lambdas|wiring|cli|local)\//.test(file) && !file.startsWith('infra/'))).toEqual([]);
  });
});

describe('the cycle finder', () => {
  it('finds a circle of three files and a file that imports itself, and nothing in a tree', () => {
    const edges = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
      ['f', ['d']],
    ]);
    expect(cycles(edges)).toEqual([['a', 'b', 'c'], ['e']]);
    expect(cycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toEqual([]);
  });
});
