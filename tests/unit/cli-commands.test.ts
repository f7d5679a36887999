import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, createProgram } from '../../functions/cli/main.ts';

describe('the command table that --help lists without loading the commands', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))('says what the %s module itself declares', async (_name, entry) => {
    const program = new Command('newsletter');
    (await entry.load())(program);
    const defined = program.commands.find((c) => c.name() === entry.name)!;
    expect(defined.description()).toBe(entry.description);
    expect(new Help().subcommandTerm(defined)).toBe(entry.term);
  });

  it('lists every command, and fully defines only the one being run', async () => {
    const program = await createProgram(['node', 'newsletter', 'build', '--out', 'x']);
    expect(program.commands.map((c) => c.name())).toEqual(COMMANDS.map((c) => c.name));
    expect(program.commands.find((c) => c.name() === 'build')!.options.map((o) => o.long)).toContain('--out');
    expect(program.commands.find((c) => c.name() === 'send')!.options).toEqual([]);
  });
});
