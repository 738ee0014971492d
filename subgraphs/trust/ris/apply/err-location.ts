/**
 * Our locations (`PID-3[2]`, `OBR[2]-25`, `OBX-5.1`, `IPC-1/OBR-18/OBR-3`) as an ERR-2 error
 * location (ERL, HL7 v2.5.1 ch. 2A.3.26): segment id ^ segment sequence ^ field position ^
 * field repetition ^ component ^ subcomponent. A list of alternatives names the first; text
 * that is no location (`MLLP`) is returned as is.
 */
export function toErrLocation(location: string | null | undefined): string | undefined {
  if (!location) return undefined;
  const [first = location] = location.split('/');
  const m = /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?(?:-(\d+)(?:\[(\d+)\])?(?:\.(\d+)(?:\.(\d+))?)?)?$/.exec(first);
  if (!m) return first;
  const [, segment, seq = '1', field, repetition, component, subcomponent] = m;
  const parts = [segment!, seq];
  if (field) parts.push(field, repetition ?? '1');
  if (component) parts.push(component);
  if (subcomponent) parts.push(subcomponent);
  return parts.join('^');
}
