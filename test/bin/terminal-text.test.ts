import { describe, expect, it } from 'vitest';
import { escapeForTerminal } from '../../bin/terminal-text.ts';

describe('escapeForTerminal', () => {
  it('shows control characters, bidi overrides and backslashes as escapes; leaves other text alone', () => {
    expect(escapeForTerminal('A\u001b[2J\r\nB\tC')).toBe('A\\x1b[2J\\x0d\\x0aB\\x09C');
    expect(escapeForTerminal('x\u202ey\u0085z\\')).toBe('x\\u202ey\\x85z\\\\');
    expect(escapeForTerminal('MÜLLER^ZOË 999 000 0018')).toBe('MÜLLER^ZOË 999 000 0018');
  });
});
