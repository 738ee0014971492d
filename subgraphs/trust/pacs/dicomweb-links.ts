/**
 * The DICOMweb addresses a viewer (OHIF and the like) needs for a study: the WADO-RS study
 * resource `{root}/studies/{StudyInstanceUID}` (PS3.18 10.4.1) and the service roots (PS3.18
 * 8.2). Built from the PACS's PUBLIC root (what viewers reach, which may differ from the one
 * the subgraph queries), never with credentials in it.
 */
import { parseServiceRoot } from './service-root.ts';

export interface DicomWebLinks {
  /** WADO-RS study URL: `{wadoRoot}/studies/{StudyInstanceUID}`. */
  studyUrl: string;
  /** WADO-RS service root. */
  wadoRoot: string;
  /** QIDO-RS service root. */
  qidoRoot: string;
}

/**
 * Links of one study. `publicRoot` is one root serving both WADO-RS and QIDO-RS (the usual
 * case, Orthanc's `/dicom-web`), or the two roots separately.
 * @throws TypeError when a root is not an absolute http(s) URL (a configuration error).
 */
export function studyLinks(
  publicRoot: string | { wadoRoot: string; qidoRoot: string },
  studyInstanceUid: string,
): DicomWebLinks {
  const roots = typeof publicRoot === 'string' ? { wadoRoot: publicRoot, qidoRoot: publicRoot } : publicRoot;
  const wadoRoot = parseServiceRoot(roots.wadoRoot).root;
  const qidoRoot = parseServiceRoot(roots.qidoRoot).root;
  return { studyUrl: `${wadoRoot}/studies/${encodeURIComponent(studyInstanceUid)}`, wadoRoot, qidoRoot };
}
