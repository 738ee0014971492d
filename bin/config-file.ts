import { readFileSync } from 'node:fs';

/** Reads a JSON config file; the error names the file and what is wrong with it. */
export function readJsonConfig(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read config ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`config ${file} is not valid JSON: ${(err as Error).message}`);
  }
}
