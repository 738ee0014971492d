import { describe, expect, it } from 'vitest';
import { dicomwebSigningText, mayRetrieveImages, parseDicomwebPath } from '../../platform/dicomweb-path.ts';

const S = '1.2.826.0.1.3680043.8.498.1';
const SE = '1.2.826.0.1.3680043.8.498.2';
const I = '1.2.826.0.1.3680043.8.498.3';

describe('parseDicomwebPath (PS3.18 10.4, 10.6)', () => {
  it.each([
    ['studies', { transaction: 'QIDO-RS', what: 'studies search' }],
    ['series', { transaction: 'QIDO-RS', what: 'series search' }],
    ['instances', { transaction: 'QIDO-RS', what: 'instances search' }],
    [`studies/${S}/series`, { transaction: 'QIDO-RS', what: 'series search', studyInstanceUid: S }],
    [`studies/${S}/instances`, { transaction: 'QIDO-RS', what: 'instances search', studyInstanceUid: S }],
    [`studies/${S}/series/${SE}/instances`, { transaction: 'QIDO-RS', what: 'instances search', studyInstanceUid: S, seriesInstanceUid: SE }],
    [`studies/${S}`, { transaction: 'WADO-RS', what: 'study', studyInstanceUid: S }],
    [`studies/${S}/metadata`, { transaction: 'WADO-RS', what: 'study metadata', studyInstanceUid: S }],
    [`studies/${S}/rendered`, { transaction: 'WADO-RS', what: 'study rendered', studyInstanceUid: S }],
    [`studies/${S}/series/${SE}/thumbnail`, { transaction: 'WADO-RS', what: 'series thumbnail', studyInstanceUid: S, seriesInstanceUid: SE }],
    [`studies/${S}/series/${SE}/instances/${I}`, { transaction: 'WADO-RS', what: 'instance', sopInstanceUid: I }],
    [`studies/${S}/series/${SE}/instances/${I}/frames/1,2,10`, { what: 'frames 1,2,10' }],
    [`studies/${S}/series/${SE}/instances/${I}/frames/3/rendered`, { what: 'frames 3 rendered' }],
    [`studies/${S}/series/${SE}/instances/${I}/bulk/7fe00010`, { what: 'bulk data 7fe00010' }],
    [`/studies/${S}/`, { what: 'study' }],
  ])('%s', (path, expected) => {
    expect(parseDicomwebPath(path)).toMatchObject(expected);
  });

  it.each([
    '',
    'patients',
    'tools/find',
    `studies/${S}/../../tools`,
    'studies/01.2',
    'studies/1.2.a',
    `studies/${'1.'.repeat(40)}1`,
    `studies/${S}/frames/1`,
    `studies/${S}/series/${SE}/frames/1`,
    `studies/${S}/series/${SE}/instances/${I}/frames/0`,
    `studies/${S}/series/${SE}/instances/${I}/frames/1;2`,
    `studies/${S}/series/${SE}/instances/${I}/bulk/../../x`,
    `studies/${S}/series/${SE}/instances/${I}/metadata/x`,
  ])('refuses %j', (path) => {
    expect(parseDicomwebPath(path)).toBeUndefined();
  });

  it('signs method, path, query and root: each changes the text', () => {
    const base = dicomwebSigningText('GET', '/dicom-web/studies?x=1', 'http://gw/dicom-web/RXA');
    expect(dicomwebSigningText('HEAD', '/dicom-web/studies?x=1', 'http://gw/dicom-web/RXA')).not.toBe(base);
    expect(dicomwebSigningText('GET', '/dicom-web/studies?x=2', 'http://gw/dicom-web/RXA')).not.toBe(base);
    expect(dicomwebSigningText('GET', '/dicom-web/studies?x=1', 'http://evil/dicom-web/RXA')).not.toBe(base);
    expect(base.startsWith('DICOMWEB\n')).toBe(true);
  });

  it('lets clinicians and radiologists retrieve, not analysts', () => {
    expect(mayRetrieveImages(['clinician'])).toBe(true);
    expect(mayRetrieveImages(['radiologist'])).toBe(true);
    expect(mayRetrieveImages(['analyst'])).toBe(false);
    expect(mayRetrieveImages([])).toBe(false);
  });
});
