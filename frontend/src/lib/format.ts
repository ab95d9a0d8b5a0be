import type { Schemas } from "../api/client";

type Qualification = Schemas["catalogue.Qualification"];
type DeliveryMode = Schemas["catalogue.DeliveryMode"];
type StudyMode = Schemas["catalogue.StudyMode"];
type LicenceStatus = Schemas["catalogue.LicenceStatus"];

const pounds = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP" });
const wholePounds = new Intl.NumberFormat("en-GB", {
  style: "currency",
  currency: "GBP",
  maximumFractionDigits: 0,
});

/** 925000 → "£9,250"; 1050 → "£10.50"; 0 → "Free". */
export function formatFee(pence: number): string {
  if (pence === 0) return "Free";
  return pence % 100 === 0 ? wholePounds.format(pence / 100) : pounds.format(pence / 100);
}

export const formatMoney = (pence: number): string =>
  pence % 100 === 0 ? wholePounds.format(pence / 100) : pounds.format(pence / 100);

const longDate = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});
const dateTime = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZone: "Europe/London",
});

/** "2027-09-14" → "14 September 2027" (a calendar date: no time zone shift). */
export const formatDate = (iso: string): string => longDate.format(new Date(`${iso}T00:00:00Z`));
export const formatDateTime = (iso: string): string => dateTime.format(new Date(iso));

export function formatDuration(months: number): string {
  if (months % 12 === 0) {
    const years = months / 12;
    return `${years} ${years === 1 ? "year" : "years"}`;
  }
  return `${months} ${months === 1 ? "month" : "months"}`;
}

export const QUALIFICATIONS: Record<Qualification, string> = {
  htq: "Higher Technical Qualification (HTQ)",
  hnc: "Higher National Certificate (HNC)",
  hnd: "Higher National Diploma (HND)",
  foundation_degree: "Foundation degree",
  apprenticeship: "Apprenticeship",
  degree_apprenticeship: "Degree apprenticeship",
  bootcamp: "Skills Bootcamp",
  short_course: "Short course",
  t_level: "T Level",
  bachelors_degree: "Bachelor's degree",
  masters_degree: "Master's degree",
};

export const DELIVERY_MODES: Record<DeliveryMode, string> = {
  in_person: "In person",
  online: "Online",
  blended: "Blended (in person and online)",
};

export const STUDY_MODES: Record<StudyMode, string> = {
  full_time: "Full time",
  part_time: "Part time",
};

export const LICENCE_STATUSES: Record<LicenceStatus, string> = {
  active: "Licensed",
  suspended: "Licence suspended",
  expired: "Licence expired",
};

export const LEVELS = [3, 4, 5, 6, 7] as const;

/** What a level means to someone who does not know the framework. */
export const LEVEL_HINTS: Record<number, string> = {
  3: "like A levels",
  4: "like the first year of a degree",
  5: "like a foundation degree",
  6: "like a bachelor's degree",
  7: "like a master's degree",
};

export function formatDistance(km: number): string {
  if (km < 1) return "less than 1 km";
  return km < 10 ? `${km.toFixed(1)} km` : `${Math.round(km)} km`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-GB")} ${count === 1 ? one : many}`;
}
