/**
 * The GraphQL documents the benchmarks send. The same document goes to every server compared, so
 * a ratio compares servers, not queries.
 */

/**
 * A worklist page as a reporting front end asks for it: studies with their series (PACS, QIDO-RS
 * series search) and report versions (RIS store). Only reported studies, so every row has both.
 */
export const STUDIES_PAGE_QUERY = `query StudiesPage($first: Int!) {
  studies(first: $first, filter: { statuses: [PRELIMINARY, FINAL, AMENDED] }) {
    edges {
      cursor
      node {
        id
        accessionNumber
        studyInstanceUid
        status
        modalities
        description
        priority
        performedAt
        sortAt
        imageCount
        trust { code name }
        patient { nhsNumber sex name { family given } }
        series { seriesInstanceUid modality number description bodyPart instanceCount }
        reports { version status text reportedAt author }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The fan-out probe: a small page from every trust, so latency is the trusts' delay plus the merge. */
export const FANOUT_QUERY = `query FanOut {
  studies(first: 20) {
    edges { cursor node { id accessionNumber status sortAt trust { code } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export interface StudiesPageAnswer {
  rows: number;
  withSeries: number;
  withReports: number;
  errors: number;
}

/** What a STUDIES_PAGE_QUERY answer holds: rows, rows with series, rows with reports, errors. */
export function readStudiesPage(body: unknown): StudiesPageAnswer {
  const b = body as { data?: { studies?: { edges?: Array<{ node?: { series?: unknown[]; reports?: unknown[] } }> } }; errors?: unknown[] };
  const edges = b.data?.studies?.edges ?? [];
  return {
    rows: edges.length,
    withSeries: edges.filter((e) => (e.node?.series?.length ?? 0) > 0).length,
    withReports: edges.filter((e) => (e.node?.reports?.length ?? 0) > 0).length,
    errors: b.errors?.length ?? 0,
  };
}
