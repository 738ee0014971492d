import { ALL_PROFILES } from './sim-trust-profile.ts';

export interface SimulateArgs {
  help: boolean;
  trust: string;
  seed: number;
  days: number;
  rate: number;
  /** ISO instant the history ends at. @default the current time */
  now?: string;
  mllp?: { host: string; port: number };
  dicomweb?: number;
}

/** A bad command line; the message names the flag. */
export class SimulateArgsError extends Error {}

export const SIMULATE_USAGE = `Usage: imaging-network simulate [options]

Simulates one trust's RIS (HL7 v2 over MLLP) and PACS (DICOMweb) with synthetic patients only.

Options:
  --trust CODE       simulated trust: ${ALL_PROFILES.map((p) => p.code).join(', ')} (default RXA)
  --seed N           integer seed; the same seed gives the same world (default 1)
  --days N           days of history to send first (default 30)
  --rate PER_MIN     live HL7 messages per minute after the history (default 6; 0 = none)
  --now ISO          end of the history (default: now)
  --mllp HOST:PORT   send the history, then the live trickle, to this MLLP receiver
  --dicomweb PORT    serve the simulated PACS on 127.0.0.1:PORT/dicom-web (0 = any free port)
  --help             show this help

Runs until SIGINT or SIGTERM.`;

function integer(flag: string, value: string | undefined, min: number): number {
  if (value === undefined || !/^-?\d+$/.test(value) || Number(value) < min) {
    throw new SimulateArgsError(`${flag} needs an integer${min > Number.MIN_SAFE_INTEGER ? ` >= ${min}` : ''}; got ${value ?? 'nothing'}`);
  }
  return Number(value);
}

export function parseSimulateArgs(argv: readonly string[]): SimulateArgs {
  const out: SimulateArgs = { help: false, trust: 'RXA', seed: 1, days: 30, rate: 6 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        out.help = true;
        break;
      case '--trust': {
        const code = value();
        if (!code || !ALL_PROFILES.some((p) => p.code === code)) {
          throw new SimulateArgsError(`--trust must be one of ${ALL_PROFILES.map((p) => p.code).join(', ')}; got ${code ?? 'nothing'}`);
        }
        out.trust = code;
        break;
      }
      case '--seed':
        out.seed = integer('--seed', value(), Number.MIN_SAFE_INTEGER);
        break;
      case '--days':
        out.days = integer('--days', value(), 1);
        break;
      case '--rate': {
        const v = value();
        if (v === undefined || !/^\d+(\.\d+)?$/.test(v)) throw new SimulateArgsError(`--rate needs a number of messages per minute >= 0; got ${v ?? 'nothing'}`);
        out.rate = Number(v);
        break;
      }
      case '--now': {
        const v = value();
        if (v === undefined || Number.isNaN(Date.parse(v))) throw new SimulateArgsError(`--now needs an ISO 8601 instant; got ${v ?? 'nothing'}`);
        out.now = v;
        break;
      }
      case '--mllp': {
        const v = value();
        const m = v === undefined ? null : /^(.+):(\d{1,5})$/.exec(v);
        if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new SimulateArgsError(`--mllp needs HOST:PORT (e.g. 127.0.0.1:2575); got ${v ?? 'nothing'}`);
        out.mllp = { host: m[1] as string, port: Number(m[2]) };
        break;
      }
      case '--dicomweb': {
        const port = integer('--dicomweb', value(), 0);
        if (port > 65535) throw new SimulateArgsError(`--dicomweb needs a port 0-65535; got ${port}`);
        out.dicomweb = port;
        break;
      }
      default:
        throw new SimulateArgsError(`unknown option ${flag}; see --help`);
    }
  }
  if (!out.help && !out.mllp && out.dicomweb === undefined) {
    throw new SimulateArgsError('nothing to do: give --mllp HOST:PORT and/or --dicomweb PORT');
  }
  return out;
}
