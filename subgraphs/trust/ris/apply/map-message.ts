import type { Hl7Message } from '../hl7/index.ts';
import { mapAdtMessage } from './adt.ts';
import { ApplyError, type Hl7Warning } from './apply-error.ts';
import type { DomainEvent } from './domain-events.ts';
import { MessageContext, type ApplyOptions } from './message-context.ts';
import { mapOrderMessage } from './orders.ts';
import { mapResultMessage } from './results.ts';
import { mapScheduleMessage } from './schedule.ts';

export interface MappedMessage {
  events: DomainEvent[];
  warnings: Hl7Warning[];
}

/** The trigger event each order message type carries (HL7 v2.5.1 ch. 4: ORM^O01, OMI^O23, OMG^O19). */
const ORDER_EVENTS = { ORM: 'O01', OMI: 'O23', OMG: 'O19' } as const;

/**
 * A parsed message → domain events (pure: no I/O). MSH-9.1 (table 0076) picks the family;
 * anything else is AR 200, an unsupported trigger event AR 201 (HL7 v2.5.1 ch. 2.9.2).
 * @throws ApplyError when the message cannot be applied
 */
export function mapMessage(message: Hl7Message, options: ApplyOptions): MappedMessage {
  const ctx = new MessageContext(message, options);
  const { code, event } = message.type;
  let events: DomainEvent[];
  const kind = code.toUpperCase();
  switch (kind) {
    case 'ADT':
      events = mapAdtMessage(ctx);
      break;
    case 'ORM':
    case 'OMI':
    case 'OMG':
      requireEvent(code, event, ORDER_EVENTS[kind]);
      events = mapOrderMessage(ctx);
      break;
    case 'ORU':
      requireEvent(code, event, 'R01');
      events = mapResultMessage(ctx);
      break;
    case 'SIU':
      events = mapScheduleMessage(ctx);
      break;
    default:
      throw new ApplyError(`message type ${JSON.stringify(code)} is not supported`, 200, 'MSH-9.1', 'AR');
  }
  return { events, warnings: ctx.warnings };
}

function requireEvent(code: string, event: string, supported: string): void {
  if (event.toUpperCase() !== supported) {
    throw new ApplyError(`${code}^${event} is not supported (${code}^${supported} is)`, 201, 'MSH-9.2', 'AR');
  }
}
