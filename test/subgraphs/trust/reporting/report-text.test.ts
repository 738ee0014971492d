import { describe, expect, it } from 'vitest';
import { checkReportText } from '../../../../subgraphs/trust/reporting/report-text.ts';
import { controlIdFor } from '../../../../subgraphs/trust/reporting/message-control-id.ts';

describe('checkReportText', () => {
  it('keeps text, normalising CRLF and CR to LF', () => {
    expect(checkReportText('a\r\nb\rc\td', 100)).toBe('a\nb\nc\td');
  });
  it('refuses blank, oversized (UTF-8 bytes) and control characters with BAD_USER_INPUT naming report.text', () => {
    for (const [text, why] of [['   \n', 'must not be empty'], ['é'.repeat(51), 'is 102 bytes'], ['a\u0000b', 'control characters'], ['a\u000bb', 'control characters']] as const) {
      try {
        checkReportText(text, 100);
        expect.unreachable();
      } catch (err) {
        expect((err as { extensions: { code: string } }).extensions.code).toBe('BAD_USER_INPUT');
        expect((err as Error).message).toContain('report.text');
        expect((err as Error).message).toContain(why);
      }
    }
  });
});

describe('controlIdFor (MSH-10)', () => {
  it('is at most 20 characters, stable for the same inputs, different per outbox row and per time', () => {
    const at = new Date('2026-04-02T08:15:00Z');
    const a = controlIdFor('RXA', at, 1);
    expect(a).toBe(controlIdFor('RXA', at, 1));
    expect(a.length).toBeLessThanOrEqual(20);
    expect(a.startsWith('RXA')).toBe(true);
    expect(controlIdFor('RXA', at, 2)).not.toBe(a);
    expect(controlIdFor('RXA', new Date(at.getTime() + 1), 1)).not.toBe(a);
    expect(controlIdFor('RXA', at, 999_999_999).length).toBeLessThanOrEqual(20);
  });
});
