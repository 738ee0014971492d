/** What `imaging-network demo` prints once the network is up: where to go and what to ask. */
export function demoBanner(info: {
  gatewayUrl: string;
  trusts: Array<{ code: string; url: string; mllpPort: number }>;
  dataDir: string;
  seconds: number;
  messages: number;
  tokens: Record<string, string> | undefined;
  /** What the PACS line says; the simulator's wording when absent. */
  pacs?: string;
  /** A study in the browser viewer (Study.viewerUrl, for the radiologist token). */
  viewerUrl?: string;
}): string {
  const lines = [
    '',
    `Imaging network demo ready in ${info.seconds.toFixed(1)} s (${info.messages} HL7 messages back-filled).`,
    '',
    `  Gateway (GraphQL, browser IDE): ${info.gatewayUrl}`,
    ...info.trusts.map((t) => `  Trust ${t.code}: ${t.url}  MLLP 127.0.0.1:${t.mllpPort}`),
    `  PACS: ${info.pacs ?? 'built-in DICOMweb simulator per trust (not a real PACS)'}`,
    `  Data: ${info.dataDir} (kept between runs; --fresh starts over)`,
    `  Images (DICOMweb, bearer or viewer token): ${new URL('/dicom-web/', info.gatewayUrl).href}{trust}/…`,
    ...(info.viewerUrl ? [`  Viewer (a study of another trust, as the radiologist; link valid 1 hour):`, `    ${info.viewerUrl}`] : []),
    '',
  ];
  if (info.tokens) {
    lines.push('Development tokens (Authorization: Bearer …; valid 30 days, this data folder only):');
    for (const [role, token] of Object.entries(info.tokens)) lines.push(`  ${role.toUpperCase()}_TOKEN=${token}`);
    lines.push('');
  }
  lines.push(
    'Try (the browser IDE already sends the clinician token):',
    `  curl -s ${info.gatewayUrl} -H 'content-type: application/json' -H "authorization: Bearer $CLINICIAN_TOKEN" \\`,
    `    -d '{"query":"{ studies(first: 5) { edges { node { id trust { code } status modalities description report { status } series { modality instanceCount } } } unavailableTrusts { code } } }"}'`,
    '',
    '  A viewer link for any study (clinicians and radiologists; short-lived, for that study only):',
    '    { studies(first: 5) { edges { node { trust { code } description viewerUrl dicomweb { wadoRoot studyUrl } } } } }',
    '',
    '  The network backlog by trust and modality:',
    '    { capacity(groupBy: [TRUST, MODALITY]) { rows { trust { code } modality unreported waitingOver6Weeks performedToReported { p50 p90 } } total { unreported } } }',
    '',
    "  Report a scan from any trust (RADIOLOGIST_TOKEN): the report lands in the owning trust's RIS",
    '    { worklist(first: 5) { edges { node { id trust { code } priority dueAt description claim { claimedBy { name } } } } } }',
    '    mutation { claimStudy(id: "…") { expiresAt } }',
    '    mutation { submitReport(studyId: "…", report: { text: "No acute abnormality.", status: FINAL }) { version status delivery { state messageControlId } } }',
    "  (the demo log shows the owning trust's RIS receiving the ORU^R01)",
    '',
    "  A patient's network timeline (NHS numbers 999… are synthetic):",
    '    { studies(first: 1) { edges { node { patient { nhsNumber } } } } }  then',
    '    { patient(nhsNumber: "…") { name { family given } identifiers { trust { code } type value } studies(first: 20) { edges { node { trust { code } sortAt description status } } } } }',
    '',
    'Ctrl-C stops everything.',
  );
  return lines.join('\n');
}
