import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../bin/command-args.ts';

describe('parseCommandArgs', () => {
  it('reads string and boolean flags, always --help, and positionals when allowed', () => {
    const { values, positionals } = parseCommandArgs(['--ca', 'x.pem', '--tls', '--help', 'host:1', 'a.hl7'], { strings: ['ca'], booleans: ['tls'], positionals: true });
    expect(values).toEqual({ ca: 'x.pem', tls: true, help: true });
    expect(positionals).toEqual(['host:1', 'a.hl7']);
  });

  it('refuses an unknown flag and a positional the command does not take', () => {
    expect(() => parseCommandArgs(['--nope'], { strings: ['config'] })).toThrow(/--nope/);
    expect(() => parseCommandArgs(['stray'], { strings: ['config'] })).toThrow(/stray/);
  });
});
