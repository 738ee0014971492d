import { builtInProfile, generateHistory, startDicomwebSimulator } from '../../simulator/index.ts';
import { runServer, serverArgs } from './server-lifecycle.ts';

/** The simulated world of one trust: the parent sends the same history's HL7 over MLLP. */
export interface SimulatedHistoryArgs {
  /** A built-in simulator profile: RXA, RH8 or RTH. */
  profile: string;
  seed: number;
  days: number;
  studiesPerDay: number;
  /** ISO 8601 instant: the end of the history (the same in parent and child). */
  now: string;
}

/** A child process serving the simulated PACS (DICOMweb QIDO-RS/WADO-RS) of one simulated trust. */
const args = serverArgs<SimulatedHistoryArgs>();
await runServer(async () => {
  const profile = builtInProfile(args.profile);
  if (!profile) throw new Error(`unknown simulator profile ${args.profile}`);
  const { studies } = generateHistory(profile, args);
  const pacs = await startDicomwebSimulator({ port: 0, studies: () => studies });
  return { ready: { url: pacs.url, studies: studies.length }, close: () => pacs.close() };
});
