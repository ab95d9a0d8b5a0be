// One typed client for the whole platform (through the gateway, same origin). Types come from the
// generated schema.ts; nothing here describes a request or response by hand.
import createClient, { type Middleware } from "openapi-fetch";
import { accessTokenForRequest, clearSession, hasSession } from "../auth/session";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Problem = Schemas["catalogue.Problem"];
export type FieldError = Schemas["catalogue.FieldError"];

const origin = typeof window === "undefined" ? "http://127.0.0.1" : window.location.origin;

/** An answer that was not 2xx, with its problem document when it sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Partial<Problem> | null;

  constructor(status: number, problem: Partial<Problem> | null) {
    super(problem?.detail ?? problem?.title ?? `The server answered ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }

  /** The service is not there (not deployed yet: 404 on a whole collection) or is down. */
  get unavailable(): boolean {
    return this.status === 404 || this.status >= 502;
  }

  get fieldErrors(): FieldError[] {
    return this.problem?.errors ?? [];
  }
}

/** The network itself failed (offline, connection refused). */
export class NetworkError extends Error {
  constructor() {
    super("We could not reach the server. Check your connection and try again.");
    this.name = "NetworkError";
  }
}

const auth: Middleware = {
  async onRequest({ request }) {
    if (request.url.includes("/api/identity/v1/token")) return request;
    const token = await accessTokenForRequest();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    // The token we sent was refused (expired sign-in, revoked, keys rotated): sign out here too,
    // so pages ask the person to sign in again rather than failing.
    if (response.status === 401 && request.headers.has("Authorization") && hasSession()) {
      clearSession(true);
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: origin });
api.use(auth);

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The data of a 2xx answer, or throws ApiError (problem+json body when there is one). */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new NetworkError();
  }
  if (!result.response.ok) {
    const body = result.error;
    const problem =
      body && typeof body === "object" && "status" in body ? (body as Partial<Problem>) : null;
    throw new ApiError(result.response.status, problem);
  }
  return result.data as T;
}

/** The user-facing words for any failure. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status >= 500) {
      return "The service is not answering at the moment. Please try again in a few minutes.";
    }
    return error.problem?.detail ?? "Something went wrong with that request.";
  }
  if (error instanceof NetworkError) return error.message;
  return "Something went wrong. Please try again.";
}
