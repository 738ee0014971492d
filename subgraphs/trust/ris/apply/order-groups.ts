import type { Hl7Message, Hl7Segment } from '../hl7/index.ts';

/**
 * The order groups of a message, in segment order. ORM^O01 (v2.3.1 ch. 4.2): ORC then OBR;
 * OMI^O23 / OMG^O19 (v2.5.1 ch. 4.4.8): ORC, TQ1, OBR, then IPC per requested procedure;
 * ORU^R01 (ch. 7.3.1): [ORC] OBR then OBX. A message may hold several patients (PID) and several
 * orders: each group keeps the PID and ORC in force where it starts.
 */
export interface OrderGroup {
  pid: Hl7Segment | undefined;
  /** The PV1 of the patient visit in force (PV1-2 patient class). */
  pv1: Hl7Segment | undefined;
  orc: Hl7Segment | undefined;
  obr: Hl7Segment | undefined;
  tq1: Hl7Segment | undefined;
  ipcs: Hl7Segment[];
  obxs: Hl7Segment[];
}

export function orderGroups(message: Hl7Message): OrderGroup[] {
  const groups: OrderGroup[] = [];
  let pid: Hl7Segment | undefined;
  let pv1: Hl7Segment | undefined;
  let current: OrderGroup | undefined;
  const start = (orc: Hl7Segment | undefined): OrderGroup => {
    current = { pid, pv1, orc, obr: undefined, tq1: undefined, ipcs: [], obxs: [] };
    groups.push(current);
    return current;
  };
  for (const segment of message.segments) {
    switch (segment.name) {
      case 'PID':
        pid = segment;
        pv1 = undefined;
        current = undefined;
        break;
      case 'PV1':
        pv1 = segment;
        if (current) current.pv1 = segment;
        break;
      case 'ORC':
        start(segment);
        break;
      case 'OBR': {
        // An OBR after a complete group starts a new one under the same ORC (ORM allows
        // one ORC per OBR, but senders reuse it).
        const group = current && !current.obr ? current : start(current?.orc);
        group.obr = segment;
        break;
      }
      case 'TQ1':
        if (current && !current.tq1) current.tq1 = segment;
        break;
      case 'IPC':
        current?.ipcs.push(segment);
        break;
      case 'OBX':
        current?.obxs.push(segment);
        break;
      default:
        break;
    }
  }
  return groups;
}
