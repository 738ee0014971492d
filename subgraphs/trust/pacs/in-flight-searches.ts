import type { PacsStudy } from './study-mapping.ts';
import type { StudySearch } from './dicomweb-client.ts';

/**
 * Shares one QIDO-RS study search among identical searches in flight at the same time (a
 * worklist refreshed by many screens at once asks the same question). Nothing is cached: a
 * search that starts after the shared one finished asks the PACS again, so answers are never
 * staler than a request's own lifetime.
 */
export function coalesceSearches(search: (s: StudySearch) => Promise<PacsStudy[]>): (s: StudySearch) => Promise<PacsStudy[]> {
  const inFlight = new Map<string, Promise<PacsStudy[]>>();
  return (s) => {
    const key = JSON.stringify(s, Object.keys(s).sort());
    const running = inFlight.get(key);
    if (running) return running;
    const started = search(s).finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };
}
