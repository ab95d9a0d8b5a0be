// Realistic API answers for component tests, shaped by the generated types.
import type { Schemas } from "../api/client";
import type { BursaryScheme } from "../api/learner";

export const EMPLOYER_ID = "55555555-5555-4555-8555-555555555555";

/** The demo sponsor's rule: low income, 16 to 30, local, and at least one barrier. */
export const DEMO_RULE = {
  all: [
    { field: "household_income_pence", op: "lte", value: 2_500_000 },
    { field: "age", op: "between", value: [16, 30] },
    { field: "home_postcode_area", op: "in", value: ["HU", "YO"] },
    {
      any: [
        { field: "care_leaver", op: "eq", value: true },
        { field: "first_in_family", op: "eq", value: true },
      ],
    },
  ],
};

export function bursaryScheme(overrides: Partial<BursaryScheme> = {}): BursaryScheme {
  return {
    id: "44444444-4444-4444-8444-444444444444",
    fund_id: "66666666-6666-4666-8666-666666666666",
    employer_id: EMPLOYER_ID,
    name: "Northern Broadband bursary",
    description: "Towards travel, equipment and living costs.",
    institute_ids: ["33333333-3333-4333-8333-333333333333"],
    course_ids: [],
    sectors: ["digital"],
    levels: [4, 5],
    award_pence: 150000,
    max_awards: 10,
    opens_on: "2026-01-01",
    closes_on: "2027-01-01",
    status: "open",
    eligibility: DEMO_RULE,
    balances: {
      allocation_pence: 1_500_000,
      reserved_pence: 0,
      awarded_pence: 0,
      available_pence: 1_500_000,
      awards_held: 0,
      awards_made: 0,
      awards_left: 10,
    },
    created_at: "2026-01-01T09:00:00Z",
    updated_at: "2026-01-01T09:00:00Z",
    ...overrides,
  };
}

export const employer: Schemas["partnerships.EmployerRead"] = {
  id: EMPLOYER_ID,
  name: "Northern Broadband Ltd",
  companies_house_number: "09876543",
  sector: "digital",
  size_band: "large",
  region: "yorkshire-and-the-humber",
  website: null,
  status: "verified",
  verified_at: "2026-01-01T09:00:00Z",
  created_at: "2026-01-01T09:00:00Z",
  updated_at: "2026-01-01T09:00:00Z",
};
