import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { ROOT } from './cli.ts';

/** One file's imports: project files (paths relative to the root) and packages (`node:fs`, `@aws-sdk/client-s3`). */
export interface FileImports {
  files: string[];
  packages: string[];
  /** `process.env` reads and `fetch(` calls, as `line: text`. */
  edges: string[];
}

const options = ts.parseJsonConfigFileContent(ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, ROOT).options;

const toPosix = (path: string) => path.split(sep).join('/');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => toPosix(relative(ROOT, join(entry.parentPath, entry.name))))
    // Hidden folders hold generated code (functions/.compiled/), not sources.
    .filter((path) => !path.split('/').some((part) => part.startsWith('.')))
    .sort();
}

/** Where the code reaches the environment or the network itself, found in its syntax tree (comments do not count). */
function outsideReads(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node) => `${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText().slice(0, 60)}`;
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAccessExpression(node) && node.getText() === 'process.env') found.push(at(node));
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'fetch') found.push(at(node));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Every import of every source file under `dirs`, type-only and dynamic ones included, resolved the way
 * the TypeScript compiler resolves them with the project's tsconfig.
 */
export function importGraph(dirs: string[]): Map<string, FileImports> {
  const graph = new Map<string, FileImports>();
  for (const file of dirs.flatMap(sourceFiles)) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const imports: FileImports = { files: [], packages: [], edges: outsideReads(file, text) };
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith('.')) {
        imports.packages.push(fileName);
        continue;
      }
      const resolved = ts.resolveModuleName(fileName, join(ROOT, file), options, ts.sys).resolvedModule;
      if (!resolved) throw new Error(`${file}: cannot resolve ${fileName}`);
      imports.files.push(toPosix(relative(ROOT, resolved.resolvedFileName)));
    }
    graph.set(file, imports);
  }
  return graph;
}

/** The import cycles of a graph (its strongly connected components with more than one file, or a file importing itself), each as a path. */
export function cycles(edges: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (edges.get(node) ?? []).includes(node)) found.push(component.reverse());
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) connect(node);
  return found;
}
