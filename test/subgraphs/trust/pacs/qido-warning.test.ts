import { describe, expect, it } from 'vitest';
import { warningTexts, warnsOfMoreResults } from '../../../../subgraphs/trust/pacs/qido-warning.ts';

describe('QIDO-RS Warning: 299 (PS3.18 8.3.4.4)', () => {
  it('reads the texts of one or several warnings', () => {
    expect(warningTexts('299 orthanc: "There are 23 additional results that match the query."')).toEqual(['There are 23 additional results that match the query.']);
    expect(warningTexts('299 - "The fuzzymatching parameter is not supported.", 299 - "There are 5 additional results"')).toHaveLength(2);
    expect(warningTexts(null)).toEqual([]);
    expect(warningTexts('199 - "Miscellaneous"')).toEqual([]);
  });

  it('says more results exist only when a 299 says so', () => {
    expect(warnsOfMoreResults('299 pacs: "There are 23 additional results that match the query."')).toBe(true);
    expect(warnsOfMoreResults('299 There are 2 additional results')).toBe(true);
    expect(warnsOfMoreResults('299 - "The fuzzymatching parameter is not supported."')).toBe(false);
    expect(warnsOfMoreResults('299 - "There are 0 additional results"')).toBe(false);
    expect(warnsOfMoreResults(null)).toBe(false);
  });
});
