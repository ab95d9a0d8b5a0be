// schema.org Course and CourseInstance for course pages, so search engines can list them.
import type { Schemas } from "../api/client";
import { QUALIFICATIONS } from "./format";

type Course = Schemas["catalogue.CourseDetail"];
type Provider = Schemas["catalogue.ProviderRead"];
type Campus = Schemas["catalogue.CampusRead"];

const COURSE_MODE: Record<Course["delivery_mode"], string> = {
  in_person: "Onsite",
  online: "Online",
  blended: "Blended",
};

function addMonths(iso: string, months: number): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.toISOString().slice(0, 10);
}

export function courseJsonLd(
  course: Course,
  provider: Provider | undefined,
  campuses: Campus[],
  url: string,
): Record<string, unknown> {
  const byId = new Map(campuses.map((c) => [c.id, c]));
  const organisation = provider
    ? {
        "@type": provider.type === "university" ? "CollegeOrUniversity" : "EducationalOrganization",
        name: provider.name,
        ...(provider.website ? { sameAs: provider.website } : {}),
      }
    : undefined;
  return {
    "@context": "https://schema.org",
    "@type": "Course",
    "@id": url,
    url,
    name: course.title,
    description: course.summary,
    courseCode: course.slug,
    educationalLevel: `Level ${course.level}`,
    educationalCredentialAwarded: QUALIFICATIONS[course.qualification],
    timeRequired: `P${course.duration_months}M`,
    inLanguage: "en-GB",
    ...(organisation ? { provider: organisation } : {}),
    offers: [
      {
        "@type": "Offer",
        category: course.fee_pence === 0 ? "Free" : "Paid",
        price: (course.fee_pence / 100).toFixed(2),
        priceCurrency: "GBP",
      },
    ],
    hasCourseInstance: course.intakes.map((intake) => {
      const campus = byId.get(intake.campus_id);
      return {
        "@type": "CourseInstance",
        courseMode: COURSE_MODE[course.delivery_mode],
        courseWorkload: course.study_mode === "full_time" ? "Full time" : "Part time",
        startDate: intake.start_date,
        endDate: addMonths(intake.start_date, course.duration_months),
        ...(campus
          ? {
              location: {
                "@type": "Place",
                name: campus.name,
                address: {
                  "@type": "PostalAddress",
                  streetAddress: campus.address,
                  addressLocality: campus.town,
                  postalCode: campus.postcode,
                  addressCountry: "GB",
                },
                geo: {
                  "@type": "GeoCoordinates",
                  latitude: campus.latitude,
                  longitude: campus.longitude,
                },
              },
            }
          : {}),
      };
    }),
  };
}

/** JSON safe inside a <script> element: no "</script>" can close it early. */
export const scriptJson = (data: unknown): string =>
  JSON.stringify(data).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
