import { describe, expect, it } from 'vitest';
import { studyLinks } from '../../../../subgraphs/trust/pacs/dicomweb-links.ts';
import { parseServiceRoot, stripCredentials } from '../../../../subgraphs/trust/pacs/service-root.ts';

describe('studyLinks (PS3.18 10.4.1)', () => {
  it.each([
    'https://pacs.example.nhs.uk/dicom-web',
    'https://pacs.example.nhs.uk/dicom-web/',
    'https://pacs.example.nhs.uk/dicom-web//',
    'https://viewer:pw@pacs.example.nhs.uk/dicom-web/?x=1#frag',
  ])('%s → clean roots and study URL', (root) => {
    expect(studyLinks(root, '2.25.1')).toEqual({
      studyUrl: 'https://pacs.example.nhs.uk/dicom-web/studies/2.25.1',
      wadoRoot: 'https://pacs.example.nhs.uk/dicom-web',
      qidoRoot: 'https://pacs.example.nhs.uk/dicom-web',
    });
  });

  it('takes separate WADO and QIDO roots', () => {
    expect(studyLinks({ wadoRoot: 'http://h/wado/', qidoRoot: 'http://h/qido' }, '1.2')).toEqual({
      studyUrl: 'http://h/wado/studies/1.2', wadoRoot: 'http://h/wado', qidoRoot: 'http://h/qido',
    });
  });

  it('refuses a root that is not an http(s) URL', () => {
    expect(() => studyLinks('pacs/dicom-web', '1.2')).toThrow(TypeError);
    expect(() => studyLinks('ftp://h/dicom-web', '1.2')).toThrow(TypeError);
  });
});

describe('parseServiceRoot', () => {
  it('splits out percent-decoded credentials', () => {
    expect(parseServiceRoot('http://us%40er:p%3Ass@127.0.0.1:8042/dicom-web/')).toEqual({
      root: 'http://127.0.0.1:8042/dicom-web',
      credentials: { username: 'us@er', password: 'p:ss' },
    });
    expect(parseServiceRoot('http://127.0.0.1:8042')).toEqual({ root: 'http://127.0.0.1:8042' });
  });

  it('stripCredentials removes user:pass@ from any URL in a text', () => {
    expect(stripCredentials('fetch http://u:secret@h:1/x failed')).toBe('fetch http://h:1/x failed');
  });
});
