// Decoding for display only: shows what a token *says*. Trust comes from the package's verifier.
import { isApiIssuedAccessToken } from 'cognito-wasm';

function base64urlJson(segment) {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}

/** `{header, payload}` of a compact JWT, or `{error}` when it does not decode. */
export function decodeJwt(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return { error: `a JWT has 3 dot-separated parts; this has ${parts.length}` };
  try {
    return { header: base64urlJson(parts[0]), payload: base64urlJson(parts[1]) };
  } catch (error) {
    return { error: `the header or payload is not base64url-encoded JSON (${error.message})` };
  }
}

/** A token as pasted: trimmed, without quotes or a `Bearer ` prefix. */
export const cleanToken = (text) => text.trim().replace(/^bearer\s+/i, '').replace(/^["']|["']$/g, '');

export const scopesOf = (payload) => (typeof payload?.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []);

/** True for an access token from the user-pool API (InitiateAuth / AdminInitiateAuth): the package's rule. */
export const isApiIssued = (payload) => payload?.token_use === 'access' && isApiIssuedAccessToken(payload);

/** `us-east-1_AbC` from a Cognito issuer URL, else undefined. */
export function poolIdFromIssuer(iss) {
  const match = typeof iss === 'string' && iss.match(/^https:\/\/(?:issuer-)?cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([^/]+)$/);
  return match ? match[1] : undefined;
}
