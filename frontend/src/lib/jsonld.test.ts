import { describe, expect, it } from "vitest";
import type { Schemas } from "../api/client";
import { courseJsonLd, scriptJson } from "./jsonld";

const course: Schemas["catalogue.CourseDetail"] = {
  id: "11111111-1111-4111-8111-111111111111",
  title: "HNC in Electrical Engineering",
  slug: "hnc-electrical",
  summary: "Power systems and control.",
  description: "Long text",
  sector_id: "22222222-2222-4222-8222-222222222222",
  level: 4,
  qualification: "hnc",
  delivery_mode: "blended",
  study_mode: "part_time",
  duration_months: 24,
  fee_pence: 650000,
  entry_requirements: "A level 3 qualification",
  institute_id: "33333333-3333-4333-8333-333333333333",
  provider_id: "44444444-4444-4444-8444-444444444444",
  employer_ids: [],
  status: "published",
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  intakes: [
    {
      id: "55555555-5555-4555-8555-555555555555",
      course_id: "11111111-1111-4111-8111-111111111111",
      campus_id: "66666666-6666-4666-8666-666666666666",
      start_date: "2027-09-13",
      application_deadline: "2027-08-01",
      capacity: 20,
      is_open: true,
    },
  ],
};
const campus: Schemas["catalogue.CampusRead"] = {
  id: "66666666-6666-4666-8666-666666666666",
  provider_id: course.provider_id,
  name: "Brayford Pool campus",
  address: "Brayford Pool",
  town: "Lincoln",
  postcode: "LN6 7TS",
  latitude: 53.228,
  longitude: -0.548,
};

describe("courseJsonLd", () => {
  it("describes the course and each start date for search engines", () => {
    const data = courseJsonLd(course, undefined, [campus], "https://example.test/courses/1");
    expect(data).toMatchObject({
      "@context": "https://schema.org",
      "@type": "Course",
      name: "HNC in Electrical Engineering",
      description: "Power systems and control.",
      educationalCredentialAwarded: "Higher National Certificate (HNC)",
      offers: [{ "@type": "Offer", price: "6500.00", priceCurrency: "GBP" }],
      hasCourseInstance: [
        {
          "@type": "CourseInstance",
          courseMode: "Blended",
          startDate: "2027-09-13",
          endDate: "2029-09-13",
          location: { address: { postalCode: "LN6 7TS", addressLocality: "Lincoln" } },
        },
      ],
    });
  });
});

describe("scriptJson", () => {
  it("cannot close the script element it sits in", () => {
    const text = scriptJson({ name: "</script><script>alert(1)</script>" });
    expect(text).not.toContain("</script>");
    expect(JSON.parse(text)).toEqual({ name: "</script><script>alert(1)</script>" });
  });
});
