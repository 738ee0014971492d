import type { GraphQLFieldResolver } from 'graphql';
import { trustOfStudyId } from '../../schema/study-id.ts';
import { gatewayObject } from '../alias-field-resolver.ts';
import { forwardedIdentity, type GatewayContext } from '../gateway-context.ts';
import { GATEWAY_DICOMWEB_PREFIX } from './dicomweb-route.ts';

/**
 * `Study.viewerUrl` and `Study.dicomweb`, answered by the gateway: a trust cannot know the
 * gateway's public URL nor sign user tokens. The gateway strips both fields from what it forwards
 * and asks the trust for the hidden fields below instead; from them it builds URLs on ITS OWN
 * origin (`/viewer`, `/dicom-web/{trust}/token/{viewer token}`), never a PACS address. Role checks
 * (clinicians and radiologists) come from the SDL's @requiresScopes, wrapped around these.
 */

/** Hidden fields (`__gw_<alias>: <field>`) the gateway asks a trust for in place of the two. */
export const STUDY_IMAGE_NEEDS: ReadonlyArray<{ alias: string; field: string }> = [
  { alias: 'studyId', field: 'id' },
  { alias: 'studyInstanceUid', field: 'studyInstanceUid' },
  { alias: 'imageCount', field: 'imageCount' },
];

const HIDDEN = '__gw_';

type Source = Record<string, unknown>;

/** The study's trust, UID and a fresh viewer token, or undefined when the PACS holds no images. */
function scopedToken(source: unknown, ctx: GatewayContext): { origin: string; trust: string; uid: string; token: string } | undefined {
  const s = (source ?? {}) as Source;
  const uid = s[`${HIDDEN}studyInstanceUid`];
  const id = s[`${HIDDEN}studyId`];
  const images = s[`${HIDDEN}imageCount`];
  if (typeof uid !== 'string' || typeof id !== 'string' || typeof images !== 'number' || images < 1 || !ctx.viewerTokens) return undefined;
  const trust = trustOfStudyId(id);
  if (!trust) return undefined;
  const caller = forwardedIdentity(ctx, undefined);
  const token = ctx.viewerTokens.issue({ sub: caller.sub, roles: caller.roles, ...(caller.trust ? { callerTrust: caller.trust } : {}), trust, studyInstanceUid: uid });
  // The origin the client reached the gateway by (yoga builds request.url from the Host header).
  const request = (ctx as GatewayContext & { request?: Request }).request;
  const origin = new URL(request?.url ?? 'http://localhost/').origin;
  return { origin, trust, uid, token };
}

export const resolveViewerUrl: GraphQLFieldResolver<unknown, GatewayContext> = (source, _args, ctx) => {
  const t = scopedToken(source, ctx);
  if (!t) return null;
  const q = new URLSearchParams({ trust: t.trust, study: t.uid, token: t.token });
  return `${t.origin}/viewer?${q.toString()}`;
};

export const resolveDicomweb: GraphQLFieldResolver<unknown, GatewayContext> = (source, _args, ctx) => {
  const t = scopedToken(source, ctx);
  if (!t) return null;
  // The token is a path prefix, so URLs a viewer appends to the roots (and the URLs the PACS
  // writes into metadata, rewritten by the trust) carry it too (PS3.18 8.2 service roots).
  const root = `${t.origin}${GATEWAY_DICOMWEB_PREFIX}/${t.trust}/token/${t.token}`;
  return gatewayObject({ studyUrl: `${root}/studies/${t.uid}`, wadoRoot: root, qidoRoot: root });
};
