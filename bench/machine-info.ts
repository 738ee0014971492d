import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

/** Packages whose versions decide the numbers: the servers under test, the load tool, the runtime. */
const PACKAGES = [
  'graphql',
  'graphql-yoga',
  '@apollo/subgraph',
  '@apollo/gateway',
  '@apollo/server',
  '@apollo/composition',
  '@graphql-hive/gateway',
  '@graphql-hive/gateway-runtime',
  'better-sqlite3',
  'dataloader',
  'autocannon',
];

export interface MachineInfo {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  packages: Record<string, string>;
}

/** The installed version of a package (its package.json), or `not installed`. */
function installedVersion(name: string): string {
  const require = createRequire(import.meta.url);
  try {
    const file = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    // Some packages do not export ./package.json: find it by walking up from the entry point.
    try {
      let dir = require.resolve(name);
      for (let i = 0; i < 6; i++) {
        dir = dir.slice(0, dir.lastIndexOf('/'));
        try {
          const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { name?: string; version?: string };
          if (pkg.name === name && pkg.version) return pkg.version;
        } catch {
          // not here; keep walking
        }
      }
    } catch {
      // not resolvable at all
    }
    return 'not installed';
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    packages: Object.fromEntries(PACKAGES.map((p) => [p, installedVersion(p)])),
  };
}

export function machineInfoMarkdown(info: MachineInfo): string {
  const pkgs = Object.entries(info.packages).map(([n, v]) => `${n} ${v}`).join(', ');
  return [
    `- date (start of the run): ${info.date}`,
    `- machine: ${info.cpuModel}, ${info.cores} cores, ${info.memoryGiB} GiB memory, ${info.os}`,
    `- node: ${info.node}`,
    `- packages: ${pkgs}`,
  ].join('\n');
}
