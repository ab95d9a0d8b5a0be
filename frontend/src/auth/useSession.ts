import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useSyncExternalStore } from "react";
import { api } from "../api/client";
import { clearSession, getSession, subscribe } from "./session";

export function useSession() {
  return useSyncExternalStore(subscribe, getSession, getSession);
}

/** Signs out here and revokes the refresh token's whole sign-in at identity. */
export function useSignOut() {
  const queryClient = useQueryClient();
  return useCallback(async () => {
    const refresh = clearSession();
    queryClient.removeQueries({ queryKey: ["me"] });
    queryClient.removeQueries({ queryKey: ["applications"] });
    queryClient.removeQueries({ queryKey: ["bursary-applications"] });
    queryClient.removeQueries({ queryKey: ["profile"] });
    if (refresh) {
      await api
        .POST("/api/identity/v1/logout", {
          body: { refresh_token: refresh },
          bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
        })
        .catch(() => undefined);
    }
  }, [queryClient]);
}
