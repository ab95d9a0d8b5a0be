import { afterEach, describe, expect, it } from "vitest";
import { safeNext } from "./RequireSignIn";
import {
  type SessionUser,
  accessTokenForRequest,
  clearSession,
  getSession,
  hasSession,
  signedIn,
  subscribe,
} from "./session";

const user: SessionUser = {
  id: "11111111-1111-4111-8111-111111111111",
  email: "learner@example.test",
  display_name: "Sam Learner",
  status: "active",
  created_at: "2026-01-01T00:00:00Z",
  last_login_at: null,
  roles: ["learner"],
  memberships: [],
};

afterEach(() => void clearSession());

describe("session", () => {
  it("keeps tokens in memory only: nothing in storage, cookies or on window", async () => {
    signedIn({ access_token: "access-1", token_type: "Bearer", expires_in: 900, refresh_token: "refresh-1" }, user);
    expect(await accessTokenForRequest()).toBe("access-1");
    expect(getSession().user?.display_name).toBe("Sam Learner");
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(document.cookie).toBe("");
    expect(JSON.stringify(Object.keys(window))).not.toContain("refresh");
  });

  it("forgets everything on sign-out and hands back the refresh token to revoke", async () => {
    signedIn({ access_token: "a", token_type: "Bearer", expires_in: 900, refresh_token: "r" }, user);
    let changes = 0;
    const stop = subscribe(() => changes++);
    expect(clearSession()).toBe("r");
    stop();
    expect(changes).toBe(1);
    expect(hasSession()).toBe(false);
    expect(getSession().user).toBeNull();
    expect(await accessTokenForRequest()).toBeNull();
  });
});

describe("safeNext", () => {
  it("only goes back to pages of this site", () => {
    expect(safeNext("/courses/1/apply/2")).toBe("/courses/1/apply/2");
    expect(safeNext("https://evil.example")).toBe("/account");
    expect(safeNext("//evil.example")).toBe("/account");
    expect(safeNext("/\\evil.example")).toBe("/account");
    expect(safeNext(null)).toBe("/account");
  });
});
