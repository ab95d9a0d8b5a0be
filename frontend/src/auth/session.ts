// The signed-in session, kept in this module's memory only: never in localStorage,
// sessionStorage or a cookie that scripts can read, and never on `window`. Identity answers the
// refresh token in the token response body (it sets no HttpOnly cookie), so the safest place the
// API allows is here too; a reload or a new tab asks the person to sign in again.
import type { components } from "../api/schema";

type TokenResponse = components["schemas"]["identity.TokenResponse"];
export type SessionUser = components["schemas"]["identity.UserDetail"];

interface Tokens {
  access: string;
  expiresAt: number;
  refresh: string | null;
}

export interface SessionState {
  user: SessionUser | null;
  /** Set when a refresh failed: the person was signed out without asking. */
  expired: boolean;
}

const REFRESH_MARGIN_MS = 30_000;
let tokens: Tokens | null = null;
let state: SessionState = { user: null, expired: false };
let refreshing: Promise<string | null> | null = null;
const listeners = new Set<() => void>();

function emit(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const getSession = (): SessionState => state;

export function signedIn(body: TokenResponse, user: SessionUser | null = state.user): void {
  tokens = {
    access: body.access_token,
    expiresAt: Date.now() + body.expires_in * 1000,
    refresh: body.refresh_token ?? null,
  };
  emit({ user, expired: false });
}

export function setUser(user: SessionUser): void {
  emit({ ...state, user });
}

/** Forgets everything; returns the refresh token so the caller can revoke it. */
export function clearSession(expired = false): string | null {
  const refresh = tokens?.refresh ?? null;
  tokens = null;
  emit({ user: null, expired });
  return refresh;
}

export const hasSession = (): boolean => tokens !== null;

async function refreshTokens(refresh: string): Promise<string | null> {
  // A plain fetch: the typed client's middleware would ask for a token again.
  const response = await fetch("/api/identity/v1/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refresh }),
  }).catch(() => null);
  if (!response?.ok) {
    clearSession(true);
    return null;
  }
  const body = (await response.json()) as TokenResponse;
  signedIn(body);
  return body.access_token;
}

/** The access token for an API call, refreshed first when it is about to expire. */
export async function accessTokenForRequest(): Promise<string | null> {
  if (!tokens) return null;
  if (tokens.expiresAt - Date.now() > REFRESH_MARGIN_MS) return tokens.access;
  if (!tokens.refresh) return tokens.access;
  refreshing ??= refreshTokens(tokens.refresh).finally(() => {
    refreshing = null;
  });
  return refreshing;
}
