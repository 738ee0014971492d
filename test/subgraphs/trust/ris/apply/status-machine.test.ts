import { describe, expect, it } from 'vitest';
import {
  advanceWorkflow,
  currentReportStatus,
  deriveStudyStatus,
  orderTransition,
  classifyReportVersion,
} from '../../../../../subgraphs/trust/ris/apply/status-machine.ts';
import type { RisReportRow } from '../../../../../subgraphs/trust/ris/ingest-port.ts';

const v = (status: RisReportRow['status']): RisReportRow => ({ accessionNumber: 'A', version: 1, status, text: '', reportedAt: null, author: null, kind: 'ORIGINAL', hasAttachment: false, reporter: null, assistant: null });

describe('orderTransition (ORC-1 table 0119, ORC-5 table 0038)', () => {
  it.each([
    ['NW', '', { kind: 'advance', to: 'REQUESTED' }],
    ['SC', 'SC', { kind: 'advance', to: 'SCHEDULED' }],
    ['SC', 'IP', { kind: 'advance', to: 'IN_PROGRESS' }],
    ['SC', 'CM', { kind: 'advance', to: 'COMPLETED' }],
    ['SC', 'CA', { kind: 'cancel' }],
    ['SC', 'DC', { kind: 'cancel' }],
    ['SC', 'HD', { kind: 'hold' }],
    ['HD', '', { kind: 'hold' }],
    ['RL', '', { kind: 'release' }],
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
  it('F after F is an addendum: CORRECTED (kind ADDENDUM), and the study is AMENDED', () => {
    const f = { ...v('FINAL'), text: 'v1' };
    expect(classifyReportVersion('F', 'v1', [])).toEqual({ status: 'FINAL', kind: 'ORIGINAL' });
    expect(classifyReportVersion('F', 'v1', [v('PRELIMINARY')])).toEqual({ status: 'FINAL', kind: 'ORIGINAL' });
    expect(classifyReportVersion('F', 'v1 + addendum', [f])).toEqual({ status: 'CORRECTED', kind: 'ADDENDUM' });
    expect(classifyReportVersion('C', 'v2', [f])).toEqual({ status: 'CORRECTED', kind: 'CORRECTION' });
    expect(classifyReportVersion('P', 'p', [])).toEqual({ status: 'PRELIMINARY', kind: 'ORIGINAL' });
    expect(classifyReportVersion('R', 'r', [])).toEqual({ status: 'PRELIMINARY', kind: 'ORIGINAL' });
    expect(currentReportStatus([v('FINAL'), v('CORRECTED')])).toBe('AMENDED');
  });
  it('an identical F resent after the final is the final again, not an addendum', () => {
    expect(classifyReportVersion('F', 'v1', [{ ...v('FINAL'), text: 'v1' }])).toEqual({ status: 'FINAL', kind: 'ORIGINAL' });
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
