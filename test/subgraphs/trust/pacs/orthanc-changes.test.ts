import { describe, expect, it } from 'vitest';
import { changesTrigger } from '../../../../subgraphs/trust/pacs/orthanc-changes.ts';

describe('Orthanc /changes as a sync trigger (pure)', () => {
  it('asks for a poll on new or stable studies, a re-check on deletions, nothing otherwise', () => {
    expect(changesTrigger({ Changes: [{ ChangeType: 'NewInstance' }, { ChangeType: 'StableStudy' }] })).toEqual({ deleted: false });
    expect(changesTrigger({ Changes: [{ ChangeType: 'Deleted' }] })).toEqual({ deleted: true });
    expect(changesTrigger({ Changes: [{ ChangeType: 'UpdatedAttachment' }] })).toBeUndefined();
    expect(changesTrigger({ Changes: [] })).toBeUndefined();
  });
});
