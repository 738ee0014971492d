import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trustHl7Config, type SimTrustProfile } from '../../simulator/index.ts';
import { freePort } from './orthanc.ts';

export interface SimTrustConfig {
  configPath: string;
  httpPort: number;
  mllpPort: number;
}

/**
 * Writes `{dir}/{code}.json`: the trust config of a simulated trust (its store `{dir}/{code}.db`,
 * its PACS `pacsUrl`, the hl7 section its profile's dialect needs) on two free loopback ports.
 * `more` adds or replaces top-level sections; it is given the ports it may need.
 */
export async function writeSimTrustConfig(
  dir: string,
  profile: SimTrustProfile,
  pacsUrl: string,
  more: (ports: { httpPort: number; mllpPort: number }) => Record<string, unknown> = () => ({}),
): Promise<SimTrustConfig> {
  const httpPort = await freePort();
  const mllpPort = await freePort();
  const configPath = join(dir, `${profile.code}.json`);
  const config = {
    code: profile.code,
    name: profile.name,
    http: { port: httpPort },
    mllp: { port: mllpPort },
    pacs: { dicomweb: pacsUrl },
    store: { sqlite: join(dir, `${profile.code}.db`) },
    hl7: trustHl7Config(profile),
    ...more({ httpPort, mllpPort }),
  };
  writeFileSync(configPath, JSON.stringify(config));
  return { configPath, httpPort, mllpPort };
}
