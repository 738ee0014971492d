import { isLoopbackHost } from '../../../platform/loopback-guard.ts';

/**
 * The MLLP twin of the HTTP rule (platform/loopback-guard.ts): HL7 v2 over plain MLLP carries
 * patient data with no authentication of its own (HL7 v2.5.1 Implementation Guide C.4 defines
 * framing only), so an interface reachable from other machines must either encrypt and
 * authenticate (`mllp.tls`, IHE ITI TF-2 "Secure Transport") or name who may connect
 * (`mllp.allowedAddresses`). Anything else throws, naming the key, before listening.
 */
export function assertMllpBindAllowed(mllp: { host: string; tls?: unknown; allowedAddresses?: readonly string[] | undefined }): void {
  if (isLoopbackHost(mllp.host) || mllp.tls !== undefined || (mllp.allowedAddresses?.length ?? 0) > 0) return;
  throw new Error(
    `mllp.host: ${mllp.host} is not a loopback address; an MLLP interface other machines can reach needs mllp.tls or mllp.allowedAddresses`,
  );
}
