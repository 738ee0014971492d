import { describe, expect, it } from 'vitest';
import { parseGatewayDicomwebUrl } from '../../../gateway/dicomweb/dicomweb-url.ts';

describe('parseGatewayDicomwebUrl', () => {
  it('takes the viewer token from the path or the query and keeps the rest of the query as written', () => {
    expect(parseGatewayDicomwebUrl('/dicom-web/RXA/token/v1.a.b/studies/1.2/series?Modality=CT&token=x')).toMatchObject({
      trust: 'RXA', token: 'v1.a.b', tokenInPath: true, query: '?Modality=CT', resource: { path: 'studies/1.2/series' },
    });
    expect(parseGatewayDicomwebUrl('/dicom-web/RH8/studies/1.2?PatientName=O%27B*&token=v1.c.d')).toMatchObject({
      trust: 'RH8', token: 'v1.c.d', tokenInPath: false, query: '?PatientName=O%27B*',
    });
  });

  it('refuses unknown shapes', () => {
    expect(() => parseGatewayDicomwebUrl('/dicom-web/rxa/studies')).toThrow(/unknown trust/);
    expect(() => parseGatewayDicomwebUrl('/dicom-web/RXA/tools/find')).toThrow(/not a DICOMweb resource/);
  });
});
