// Renders a page at a URL with its data already in the query cache (as if the API had answered),
// signed in as a learner. Nothing is fetched: the cache never goes stale in these tests.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ComponentType } from "react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { signedIn } from "../auth/session";

export function renderPage(
  path: string,
  url: string,
  Page: ComponentType,
  cache: [readonly unknown[], unknown][] = [],
) {
  const client = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  for (const [key, data] of cache) client.setQueryData(key, data);
  signedIn(
    { access_token: "token", token_type: "Bearer", expires_in: 900, refresh_token: "refresh" },
    {
      id: "00000000-0000-4000-8000-000000000001",
      email: "sam@example.com",
      display_name: "Sam Learner",
      status: "active",
      created_at: "2026-01-01T00:00:00Z",
      last_login_at: null,
      roles: ["learner"],
      memberships: [],
    },
  );
  const router = createMemoryRouter([{ path, Component: Page }], { initialEntries: [url] });
  return render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}
