import { describe, expect, it } from 'vitest';
import {
  advanceWorkflow,
  currentReportStatus,
  deriveStudyStatus,
  orderTransition,
  reportVersionStatus,
} from '../../../../../subgraphs/trust/ris/apply/status-machine.ts';
import type { RisReportRow } from '../../../../../subgraphs/trust/store/read-model.ts';

const v = (status: RisReportRow['status']): RisReportRow => ({ accessionNumber: 'A', version: 1, status, text: '', reportedAt: null, author: null });

describe('orderTransition (ORC-1 table 0119, ORC-5 table 0038)', () => {
  it.each([
    ['NW', '', { kind: 'advance', to: 'REQUESTED' }],
    ['SC', 'SC', { kind: 'advance', to: 'SCHEDULED' }],
    ['SC', 'IP', { kind: 'advance', to: 'IN_PROGRESS' }],
    ['SC', 'CM', { kind: 'advance', to: 'COMPLETED' }],
    ['SC', 'CA', { kind: 'cancel' }],
    ['SC', 'DC', { kind: 'cancel' }],
    ['SC', 'HD', { kind: 'details' }],
    ['CA', '', { kind: 'cancel' }],
    ['OC', '', { kind: 'cancel' }],
    ['DC', '', { kind: 'cancel' }],
    ['XO', 'CM', { kind: 'details' }],
    ['XX', '', { kind: 'details' }],
    ['ZZ', '', { kind: 'unknown', orderControl: 'ZZ' }],
  ])('%s / %s', (control, status, expected) => {
    expect(orderTransition(control, status)).toEqual(expected);
  });
});

describe('advanceWorkflow', () => {
  it('moves forward only: a late SC after CM does not un-complete', () => {
    expect(advanceWorkflow('COMPLETED', 'SCHEDULED')).toBe('COMPLETED');
    expect(advanceWorkflow('SCHEDULED', 'IN_PROGRESS')).toBe('IN_PROGRESS');
    expect(advanceWorkflow(undefined, 'SCHEDULED')).toBe('SCHEDULED');
    expect(advanceWorkflow('IN_PROGRESS', 'REQUESTED')).toBe('IN_PROGRESS');
  });
});

describe('report versions (OBR-25 table 0123)', () => {
  it('F after F is an addendum: CORRECTED, and the study is AMENDED', () => {
    expect(reportVersionStatus('F', [])).toBe('FINAL');
    expect(reportVersionStatus('F', [v('PRELIMINARY')])).toBe('FINAL');
    expect(reportVersionStatus('F', [v('FINAL')])).toBe('CORRECTED');
    expect(reportVersionStatus('C', [v('FINAL')])).toBe('CORRECTED');
    expect(reportVersionStatus('P', [])).toBe('PRELIMINARY');
    expect(reportVersionStatus('X', [v('FINAL')])).toBe('CANCELLED');
    expect(currentReportStatus([v('FINAL'), v('CORRECTED')])).toBe('AMENDED');
  });
  it('a late preliminary does not demote a final; a cancelled version (older builds) is never current', () => {
    expect(currentReportStatus([v('FINAL'), v('PRELIMINARY')])).toBe('FINAL');
    expect(currentReportStatus([v('CANCELLED')])).toBeNull();
    expect(currentReportStatus([])).toBeNull();
  });
});

describe('deriveStudyStatus', () => {
  it('cancelled wins, then the report, then the workflow', () => {
    expect(deriveStudyStatus({ cancelled: true, workflowStatus: 'COMPLETED', reports: [v('FINAL')] })).toBe('CANCELLED');
    expect(deriveStudyStatus({ cancelled: false, workflowStatus: 'SCHEDULED', reports: [v('PRELIMINARY')] })).toBe('PRELIMINARY');
    expect(deriveStudyStatus({ cancelled: false, workflowStatus: 'IN_PROGRESS', reports: [] })).toBe('IN_PROGRESS');
  });
});
