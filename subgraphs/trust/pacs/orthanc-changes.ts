/**
 * Orthanc's `/changes` feed (Orthanc REST API, "Tracking changes") as a faster trigger for the
 * PACS sync: a new or stable study asks for a poll at once, a deletion for a re-check. Optional
 * (`pacs.sync.orthancRest`) and vendor-specific, so it never decides what is indexed: the QIDO-RS
 * sync stays the source of truth, and a failing feed only costs speed.
 */

export interface OrthancChangesOptions {
  /** Orthanc REST root, e.g. `http://127.0.0.1:8042`. */
  url: string;
  intervalMs: number;
  onChange: (change: { deleted: boolean; studyUids?: string[] }) => void;
  log?: { debug(obj: object, msg: string): void };
  /** @default 5000 */
  timeoutMs?: number;
}

interface ChangesPage {
  Changes?: Array<{ ChangeType?: string; ResourceType?: string; ID?: string }>;
  Last?: number;
  Done?: boolean;
}

const STUDY_EVENTS = new Set(['NewStudy', 'StableStudy', 'NewSeries', 'StableSeries', 'NewInstance']);

/** Orthanc ids of the studies a page of changes says were stored (new or stable). Pure. */
export function changedStudyIds(page: ChangesPage): string[] {
  const ids = (page.Changes ?? [])
    .filter((c) => (c.ChangeType === 'NewStudy' || c.ChangeType === 'StableStudy') && c.ResourceType === 'Study' && typeof c.ID === 'string')
    .map((c) => c.ID!);
  return [...new Set(ids)];
}

/** What a page of changes asks of the sync (pure). */
export function changesTrigger(page: ChangesPage): { deleted: boolean } | undefined {
  const types = (page.Changes ?? []).map((c) => c.ChangeType ?? '');
  const deleted = types.includes('Deleted');
  if (!deleted && !types.some((t) => STUDY_EVENTS.has(t))) return undefined;
  return { deleted };
}

export function watchOrthancChanges(o: OrthancChangesOptions): { stop(): void } {
  const root = o.url.replace(/\/+$/, '');
  let since: number | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const get = async (path: string): Promise<ChangesPage & Record<string, unknown>> => {
    const res = await fetch(`${root}${path}`, { signal: AbortSignal.timeout(o.timeoutMs ?? 5000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return (await res.json()) as ChangesPage & Record<string, unknown>;
  };
  const round = async (): Promise<void> => {
    try {
      if (since === undefined) {
        since = (await get('/changes?last')).Last ?? 0;
      } else {
        for (let guard = 0; guard < 100; guard++) {
          const page = await get(`/changes?since=${since}&limit=1000`);
          if (typeof page.Last === 'number') since = page.Last;
          const trigger = changesTrigger(page);
          if (trigger) {
            // A study stored late with an old StudyDate lies outside the polled days: name it, so
            // the sync reads it by UID (QIDO-RS UID matching) whatever its date.
            const studyUids: string[] = [];
            for (const id of changedStudyIds(page).slice(0, 200)) {
              const study = (await get(`/studies/${encodeURIComponent(id)}`)) as { MainDicomTags?: { StudyInstanceUID?: string } };
              const uid = study.MainDicomTags?.StudyInstanceUID;
              if (typeof uid === 'string') studyUids.push(uid);
            }
            o.onChange(studyUids.length ? { ...trigger, studyUids } : trigger);
          }
          if (page.Done !== false) break;
        }
      }
    } catch (err) {
      o.log?.debug({ err: err instanceof Error ? err.message : String(err) }, 'Orthanc /changes unavailable');
    }
    if (!stopped) {
      timer = setTimeout(() => void round(), o.intervalMs);
      timer.unref?.();
    }
  };
  void round();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
