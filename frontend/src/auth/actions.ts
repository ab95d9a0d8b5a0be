import { api, unwrap } from "../api/client";
import { setUser, signedIn } from "./session";

const form = (body: Record<string, string>) => new URLSearchParams(body);

/** OAuth2 password grant at identity, then who the person is. */
export async function signIn(email: string, password: string): Promise<void> {
  const tokens = await unwrap(
    api.POST("/api/identity/v1/token", {
      body: { grant_type: "password", username: email, password },
      bodySerializer: (body) => form(body as Record<string, string>),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    }),
  );
  signedIn(tokens, null);
  const me = await unwrap(api.GET("/api/identity/v1/me"));
  if (me.user) setUser(me.user);
}

export async function register(displayName: string, email: string, password: string) {
  await unwrap(
    api.POST("/api/identity/v1/users", {
      body: { display_name: displayName, email, password },
    }),
  );
  await signIn(email, password);
}
