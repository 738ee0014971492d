import { describe, expect, it } from 'vitest';
import { changedStudyIds, changesTrigger } from '../../../../subgraphs/trust/pacs/orthanc-changes.ts';

describe('Orthanc /changes as a sync trigger (pure)', () => {
  it('asks for a poll on new or stable studies, a re-check on deletions, nothing otherwise', () => {
    expect(changesTrigger({ Changes: [{ ChangeType: 'NewInstance' }, { ChangeType: 'StableStudy' }] })).toEqual({ deleted: false });
    expect(changesTrigger({ Changes: [{ ChangeType: 'Deleted' }] })).toEqual({ deleted: true });
    expect(changesTrigger({ Changes: [{ ChangeType: 'UpdatedAttachment' }] })).toBeUndefined();
    expect(changesTrigger({ Changes: [] })).toBeUndefined();
  });

  it('names the Orthanc ids of studies stored (new or stable), once each', () => {
    expect(changedStudyIds({ Changes: [
      { ChangeType: 'NewStudy', ResourceType: 'Study', ID: 'a' },
      { ChangeType: 'StableStudy', ResourceType: 'Study', ID: 'a' },
      { ChangeType: 'NewSeries', ResourceType: 'Series', ID: 's' },
      { ChangeType: 'StableStudy', ResourceType: 'Study', ID: 'b' },
    ] })).toEqual(['a', 'b']);
  });
});
