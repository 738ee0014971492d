import { describe, expect, it } from 'vitest';
import { checkNhsNumber, isValidNhsNumber } from '../../schema/nhs-number.ts';

describe('NHS number (Modulus 11)', () => {
  it('accepts valid numbers, including the 999 test range', () => {
    expect(checkNhsNumber('9434765919')).toEqual({ value: '9434765919' });
    expect(isValidNhsNumber('9990000018')).toBe(true);
    expect(isValidNhsNumber('9990000026')).toBe(true);
  });

  it('accepts spaces between digit groups and normalises them away', () => {
    expect(checkNhsNumber('943 476 5919')).toEqual({ value: '9434765919' });
  });

  it('rejects a wrong check digit', () => {
    expect(checkNhsNumber('9434765918')).toEqual({ problem: 'check-digit' });
    expect(checkNhsNumber('9990000019')).toEqual({ problem: 'check-digit' });
  });

  it('rejects numbers whose check digit would be 10', () => {
    // Find nine digits whose weighted sum mod 11 is 1 (11 - 1 = 10): no check digit exists.
    let nine = '';
    for (let i = 0; i < 1000; i++) {
      const candidate = `999${String(i).padStart(6, '0')}`;
      let sum = 0;
      for (let k = 0; k < 9; k++) sum += Number(candidate[k]) * (10 - k);
      if (sum % 11 === 1) {
        nine = candidate;
        break;
      }
    }
    expect(nine).not.toBe('');
    for (let d = 0; d <= 9; d++) expect(checkNhsNumber(`${nine}${d}`)).toEqual({ problem: 'check-digit-10' });
  });

  it('rejects wrong lengths and non-digits', () => {
    expect(checkNhsNumber('999000001')).toEqual({ problem: 'length' });
    expect(checkNhsNumber('99900000188')).toEqual({ problem: 'length' });
    expect(checkNhsNumber('')).toEqual({ problem: 'length' });
    expect(checkNhsNumber('999-000-0018')).toEqual({ problem: 'non-digit' });
    expect(checkNhsNumber('99900000I8')).toEqual({ problem: 'non-digit' });
  });

  it('keeps leading zeros (numbers are strings)', () => {
    // 000000001 → sum 1×2 = 2, check digit 11 − 2 = 9. (0000000000 passes Modulus 11 too, but
    // is a placeholder: see below.)
    expect(checkNhsNumber('0000000019')).toEqual({ value: '0000000019' });
  });
});

describe('placeholder NHS numbers (repeated digits)', () => {
  it('placeholder NHS numbers are refused even when they pass Modulus 11', () => {
    for (let d = 0; d <= 9; d++) {
      const number = String(d).repeat(10);
      expect(checkNhsNumber(number)).toEqual({ problem: 'placeholder' });
      expect(checkNhsNumber(`${number.slice(0, 3)} ${number.slice(3, 6)} ${number.slice(6)}`)).toEqual({ problem: 'placeholder' });
    }
  });
});
