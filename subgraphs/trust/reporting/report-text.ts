import { badUserInput } from '../../../schema/index.ts';

/** Report text: not blank, at most `maxBytes` UTF-8 bytes, no control characters but tab and newlines. */
export function checkReportText(text: string, maxBytes: number): string {
  const normalised = text.replace(/\r\n?/g, '\n');
  if (normalised.trim() === '') throw badUserInput('report.text', 'must not be empty');
  const bytes = Buffer.byteLength(normalised, 'utf8');
  if (bytes > maxBytes) throw badUserInput('report.text', `is ${bytes} bytes; at most ${maxBytes} are accepted`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(normalised)) throw badUserInput('report.text', 'contains control characters');
  return normalised;
}
