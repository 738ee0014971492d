import { createHash } from 'node:crypto';

/**
 * A synthetic Scottish CHI number for a simulated patient: 10 digits, the date of birth as DDMMYY,
 * three digits (the ninth even for a woman, odd for a man, as real CHI numbers are), and a
 * Modulus 11 check digit computed exactly as an NHS number's. It therefore passes the NHS number
 * check too, which is the point: only the trust's `hl7.nationalNumber` tells them apart.
 */
export function chiNumberOf(birthDate: string, sex: 'F' | 'M', key: string): string {
  const [y, m, d] = birthDate.split('-') as [string, string, string];
  const hash = createHash('sha256').update(key).digest();
  for (let attempt = 0; attempt < 50; attempt++) {
    const a = (hash[attempt % hash.length]! + attempt) % 10;
    const b = (hash[(attempt + 7) % hash.length]! + attempt) % 10;
    let c = (hash[(attempt + 13) % hash.length]! + attempt) % 10;
    if ((c % 2 === 0) !== (sex === 'F')) c = (c + 1) % 10;
    const nine = `${d}${m}${y.slice(2)}${a}${b}${c}`;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    const number = `${nine}${check === 11 ? 0 : check}`;
    if (/^(\d)\1{9}$/.test(number)) continue;
    return number;
  }
  throw new Error(`no CHI number for ${birthDate}`);
}
