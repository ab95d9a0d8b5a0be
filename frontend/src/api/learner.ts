// The learner's own data at the applications service, and bursary schemes at partnerships.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { ApiError, type Schemas, api, unwrap } from "./client";

export type Application = Schemas["applications.ApplicationDetail"];
export type ApplicationStatus = Schemas["applications.ApplicationStatus"];
export type ProfileUpdate = Schemas["applications.LearnerProfileUpdate"];
export type BursaryScheme = Schemas["partnerships.SchemeRead"];
export type EligibilityResult = Schemas["partnerships.EligibilityResult"];

/** A random UUID; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function idempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** One key per attempt: sending the same form twice (a double click, a retry after a timeout)
 * never creates two things. A new key after the server refused the attempt. */
function useAttemptKey() {
  const key = useRef(idempotencyKey());
  return {
    current: () => key.current,
    renew: (error: unknown) => {
      if (error instanceof ApiError && error.status < 500) key.current = idempotencyKey();
    },
  };
}
const noRetryOn4xx = (count: number, error: unknown) =>
  !(error && typeof error === "object" && "status" in error && Number(error.status) < 500) &&
  count < 1;

export function useProfile() {
  return useQuery({
    queryKey: ["profile"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/applications/v1/me/profile", { signal })),
    retry: noRetryOn4xx,
  });
}

export function useSaveProfile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ProfileUpdate) =>
      unwrap(api.PUT("/api/applications/v1/me/profile", { body })),
    onSuccess: (profile) => client.setQueryData(["profile"], profile),
  });
}

export function useMyApplications() {
  return useQuery({
    queryKey: ["applications"],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/applications/v1/applications", {
          params: { query: { limit: 100 } },
          signal,
        }),
      ),
    retry: noRetryOn4xx,
  });
}

export function useApplication(id: string) {
  return useQuery({
    queryKey: ["applications", id],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/applications/v1/applications/{application_id}", {
          params: { path: { application_id: id } },
          signal,
        }),
      ),
    retry: noRetryOn4xx,
  });
}

export function useApply() {
  const client = useQueryClient();
  const key = useAttemptKey();
  return useMutation({
    mutationFn: (body: Schemas["applications.ApplicationCreate"]) =>
      unwrap(
        api.POST("/api/applications/v1/applications", {
          body,
          params: { header: { "Idempotency-Key": key.current() } },
        }),
      ),
    onError: key.renew,
    onSuccess: (created) => {
      client.setQueryData(["applications", created.id], created);
      void client.invalidateQueries({ queryKey: ["applications"], exact: true });
    },
  });
}

export function useTransition(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["applications.TransitionCreate"]) =>
      unwrap(
        api.POST("/api/applications/v1/applications/{application_id}/transitions", {
          body,
          params: { path: { application_id: id }, header: { "Idempotency-Key": idempotencyKey() } },
        }),
      ),
    onSuccess: (updated) => {
      client.setQueryData(["applications", id], updated);
      void client.invalidateQueries({ queryKey: ["applications"], exact: true });
    },
  });
}

export function useMyBursaryApplications() {
  return useQuery({
    queryKey: ["bursary-applications"],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/applications/v1/bursary-applications", {
          params: { query: { limit: 100 } },
          signal,
        }),
      ),
    retry: noRetryOn4xx,
  });
}

export function useApplyForBursary() {
  const client = useQueryClient();
  const key = useAttemptKey();
  return useMutation({
    mutationFn: (body: Schemas["applications.BursaryApplicationCreate"]) =>
      unwrap(
        api.POST("/api/applications/v1/bursary-applications", {
          body,
          params: { header: { "Idempotency-Key": key.current() } },
        }),
      ),
    onError: key.renew,
    onSuccess: () => void client.invalidateQueries({ queryKey: ["bursary-applications"] }),
  });
}

export function useBursaryScheme(id: string) {
  return useQuery({
    queryKey: ["bursary-scheme", id],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/partnerships/v1/bursary-schemes/{scheme_id}", {
          params: { path: { scheme_id: id } },
          signal,
        }),
      ),
    retry: noRetryOn4xx,
  });
}

/** Whether answers meet a scheme's eligibility rules, and which rules they fail (nothing is
 * stored: the learner can check before applying). */
export function useCheckEligibility(schemeId: string) {
  return useMutation({
    mutationFn: (answers: Record<string, number | boolean | string>) =>
      unwrap(
        api.POST("/api/partnerships/v1/bursary-schemes/{scheme_id}/eligibility", {
          params: { path: { scheme_id: schemeId } },
          body: { answers },
        }),
      ),
  });
}

export const STATUS_LABELS: Record<ApplicationStatus, string> = {
  draft: "Draft (not sent)",
  submitted: "Sent",
  under_review: "Being reviewed",
  interview: "Invited to interview",
  offer: "Offer made",
  accepted: "Offer accepted",
  declined: "Offer declined",
  rejected: "Not successful",
  withdrawn: "Withdrawn",
  enrolled: "Enrolled",
};
