// The data shapes of cognito-wasm that have no JS implementation: JSON, decoded JWTs, Cognito
// token payloads, JWKS documents (hand-written; the wrapper's JSDoc imports them, and
// scripts/bundle-dts.mjs bundles them into the package's index.d.ts).
// Claim names follow aws-jwt-verify's where they overlap, so migrating is an import change.

export type JsonPrimitive = string | number | boolean | null;
export type Json = JsonPrimitive | Json[] | JsonObject;
export interface JsonObject {
  [name: string]: Json;
}

/** A decoded JOSE header. */
export type JwtHeader = {
  alg?: string;
  kid?: string;
  typ?: string;
} & JsonObject;

/** A decoded JWT payload with the registered claims typed. */
export type JwtPayload = {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  scope?: string;
} & JsonObject;

/** A decoded JWT: header and payload. */
export interface Jwt {
  header: JwtHeader;
  payload: JwtPayload;
}

/** One entry of an ID token's `identities` claim (federated users). Cognito writes strings. */
export interface CognitoIdentity {
  userId: string;
  providerName: string;
  providerType: "Google" | "Facebook" | "LoginWithAmazon" | "SignInWithApple" | "OIDC" | "SAML" | (string & {});
  /** `null` for OIDC and social providers; the SAML entity ID for SAML. */
  issuer: string | null;
  /** `"true"` or `"false"` (a string, as Cognito writes it). */
  primary: string;
  /** Epoch milliseconds, as a string. */
  dateCreated: string;
}

/** Claims common to Cognito ID and access tokens. */
interface CognitoJwtFields {
  token_use: "id" | "access";
  sub: string;
  iss: string;
  exp: number;
  iat: number;
  auth_time: number;
  jti?: string;
  /** Present when token revocation is enabled and the session has a refresh token. */
  origin_jti?: string;
  event_id?: string;
  /** Present only when the user is in at least one group. */
  "cognito:groups"?: string[];
}

/** Payload of a Cognito ID token (`token_use: "id"`). */
export type CognitoIdTokenPayload = CognitoJwtFields & {
  token_use: "id";
  /** The app client ID. */
  aud: string;
  "cognito:username": string;
  at_hash?: string;
  nonce?: string;
  email?: string;
  email_verified?: boolean;
  phone_number?: string;
  phone_number_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  preferred_username?: string;
  profile?: string;
  picture?: string;
  website?: string;
  gender?: string;
  birthdate?: string;
  zoneinfo?: string;
  locale?: string;
  updated_at?: number;
  address?: { formatted?: string };
  identities?: CognitoIdentity[];
  "cognito:roles"?: string[];
  "cognito:preferred_role"?: string;
  acr?: string;
  amr?: string[];
} & JsonObject;

/** Payload of a Cognito access token (`token_use: "access"`). Access tokens have no `aud` by default. */
export type CognitoAccessTokenPayload = CognitoJwtFields & {
  token_use: "access";
  /** The app client ID. */
  client_id: string;
  /** Space-separated scopes. */
  scope: string;
  version?: number;
  /** Absent in client-credentials (machine-to-machine) tokens. */
  username?: string;
  device_key?: string;
  /** Only with resource binding. */
  aud?: string;
} & JsonObject;

/** An ID or an access token payload; narrow it with `payload.token_use`. */
export type CognitoJwtPayload = CognitoIdTokenPayload | CognitoAccessTokenPayload;

/** A JSON Web Key as found in a JWKS. */
export type Jwk = {
  kty: string;
  kid?: string;
  use?: string;
  alg?: string;
  n?: string;
  e?: string;
} & JsonObject;

/** A JSON Web Key Set, e.g. a user pool's `/.well-known/jwks.json`. */
export interface Jwks {
  keys: Jwk[];
}

/** What `exportJwksCache()` returns and `importJwksCache()` takes: JSON-safe, times in epoch seconds. */
export interface JwksCacheState {
  version: 1;
  jwks: Array<{ uri: string; loadedAt: number; penaltyUntil?: number; keys: Jwk[] }>;
}

/** @internal What `verify`'s `Claims` must be: an object type (the JSDoc of js/ cannot say
 * `object`, which means `any` there). */
export type ClaimsObject = object;
