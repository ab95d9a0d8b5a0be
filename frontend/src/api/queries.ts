// The catalogue and partnerships reads every page shares, as TanStack Query hooks.
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { type SearchState, toApiQuery } from "../lib/searchState";
import { ApiError, api, unwrap } from "./client";

const HOUR = 60 * 60 * 1000;

const getSectors = (signal?: AbortSignal) =>
  unwrap(api.GET("/api/catalogue/v1/sectors", { params: { query: { limit: 100 } }, signal }));

export function useSectors() {
  return useQuery({
    queryKey: ["sectors"],
    queryFn: ({ signal }) => getSectors(signal),
    staleTime: HOUR,
    select: (page) => page.items,
  });
}

export function useRegions(enabled = true) {
  return useQuery({
    enabled,
    queryKey: ["regions"],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/catalogue/v1/regions", { params: { query: { limit: 100 } }, signal })),
    staleTime: HOUR,
    select: (page) => page.items,
  });
}

export function useInstitutes() {
  return useQuery({
    queryKey: ["institutes"],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/catalogue/v1/institutes", { params: { query: { limit: 100 } }, signal }),
      ),
    staleTime: HOUR,
    select: (page) => page.items,
  });
}

export function useSearch(state: SearchState) {
  const query = toApiQuery(state);
  return useQuery({
    queryKey: ["search", query],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/catalogue/v1/courses", { params: { query }, signal })),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** Type-ahead. Any failure (the endpoint missing, the index still building) means no suggestions. */
export function useSuggestions(text: string) {
  const q = text.trim();
  return useQuery({
    queryKey: ["suggest", q.toLowerCase()],
    queryFn: async ({ signal }) => {
      try {
        const body = await unwrap(
          api.GET("/api/catalogue/v1/courses/suggest", {
            params: { query: { q, limit: 8 } },
            signal,
          }),
        );
        return Array.isArray(body?.items) ? body.items : [];
      } catch {
        return [];
      }
    },
    enabled: q.length >= 2,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

const getCourse = (courseId: string, signal?: AbortSignal) =>
  unwrap(
    api.GET("/api/catalogue/v1/courses/{course_id}", {
      params: { path: { course_id: courseId } },
      signal,
    }),
  );

export function useCourse(courseId: string, enabled = true) {
  return useQuery({
    queryKey: ["course", courseId],
    queryFn: ({ signal }) => getCourse(courseId, signal),
    enabled: enabled && Boolean(courseId),
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });
}

export function useProvider(providerId: string | undefined) {
  return useQuery({
    queryKey: ["provider", providerId],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/catalogue/v1/providers/{provider_id}", {
          params: { path: { provider_id: providerId ?? "" } },
          signal,
        }),
      ),
    enabled: Boolean(providerId),
    staleTime: HOUR,
  });
}

export function useProviders(instituteId: string | undefined) {
  return useQuery({
    queryKey: ["providers", instituteId],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/catalogue/v1/providers", {
          params: { query: { institute: instituteId ?? "", limit: 100 } },
          signal,
        }),
      ),
    enabled: Boolean(instituteId),
    staleTime: HOUR,
    select: (page) => page.items,
  });
}

export function useInstitute(instituteId: string | undefined) {
  return useQuery({
    queryKey: ["institute", instituteId],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/catalogue/v1/institutes/{institute_id}", {
          params: { path: { institute_id: instituteId ?? "" } },
          signal,
        }),
      ),
    enabled: Boolean(instituteId),
    staleTime: HOUR,
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });
}

export function useCampuses(providerId: string | undefined) {
  return useQuery({
    queryKey: ["campuses", providerId],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/catalogue/v1/campuses", {
          params: { query: { provider: providerId ?? "", limit: 100 } },
          signal,
        }),
      ),
    enabled: Boolean(providerId),
    staleTime: HOUR,
    select: (page) => page.items,
  });
}

/** The course's distance from a postcode, through the search (which knows postcode districts). */
export function useCourseDistance(slug: string | undefined, postcode: string) {
  return useQuery({
    queryKey: ["distance", slug, postcode],
    queryFn: async ({ signal }) => {
      const page = await unwrap(
        api.GET("/api/catalogue/v1/courses", {
          params: { query: { slug, postcode, facets: false, limit: 1 } },
          signal,
        }),
      );
      const hit = page.items[0];
      return hit && typeof hit.distance_km === "number"
        ? { km: hit.distance_km, campus: hit.nearest_campus ?? null }
        : null;
    },
    enabled: Boolean(slug && postcode),
    retry: false,
  });
}

/** Employers who co-designed a course (partnerships). Unknown or unavailable ones are skipped. */
export function useEmployers(ids: string[]) {
  return useQuery({
    queryKey: ["employers", ids],
    queryFn: async ({ signal }) => {
      const found = await Promise.all(
        ids.map((id) =>
          unwrap(
            api.GET("/api/partnerships/v1/employers/{employer_id}", {
              params: { path: { employer_id: id } },
              signal,
            }),
          ).catch(() => null),
        ),
      );
      return found.filter((e) => e !== null);
    },
    enabled: ids.length > 0,
    staleTime: HOUR,
    retry: false,
  });
}

/** The open bursary schemes for a course (none when partnerships is not there): the schemes
 * that list the course (or no courses), its institute, its sector (or none) and its level (or
 * none), and have not closed. */
export function useBursarySchemes(courseId: string | undefined) {
  const client = useQueryClient();
  return useQuery({
    queryKey: ["bursary-schemes", courseId],
    queryFn: async ({ signal }) => {
      const id = courseId ?? "";
      const [course, sectors] = await Promise.all([
        client.ensureQueryData({ queryKey: ["course", id], queryFn: () => getCourse(id, signal) }),
        client.ensureQueryData({ queryKey: ["sectors"], queryFn: () => getSectors(signal) }),
      ]);
      const sector = sectors.items.find((s) => s.id === course.sector_id)?.slug;
      try {
        const page = await unwrap(
          api.GET("/api/partnerships/v1/bursary-schemes", {
            params: {
              query: {
                course: course.id,
                institute: course.institute_id,
                level: course.level,
                status: "open",
                limit: 50,
                ...(sector ? { sector } : {}),
              },
            },
            signal,
          }),
        );
        const today = new Date().toISOString().slice(0, 10);
        return page.items.filter((s) => s.opens_on <= today && today <= s.closes_on);
      } catch {
        return [];
      }
    },
    enabled: Boolean(courseId),
    retry: false,
  });
}

/** Employers' names by id, for the ones partnerships shows (verified employers). */
export function useEmployerNames(ids: string[]): Record<string, string> {
  const unique = [...new Set(ids)].sort();
  const employers = useEmployers(unique);
  return Object.fromEntries((employers.data ?? []).map((e) => [e.id, e.name]));
}
