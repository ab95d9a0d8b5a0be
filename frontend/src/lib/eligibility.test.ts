import { describe, expect, it } from "vitest";
import { DEMO_RULE } from "../test/fixtures";
import {
  ageOn,
  asRule,
  askedFields,
  describeCondition,
  explainFailures,
  poundsToPence,
  postcodeArea,
  ruleAt,
  toAnswers,
} from "./eligibility";

const rule = asRule(DEMO_RULE);

describe("eligibility rules", () => {
  it("asks about the learner's fields in the rule's order, not the course's", () => {
    const withCourse = asRule({ all: [{ field: "course_level", op: "gte", value: 4 }, ...DEMO_RULE.all] });
    expect(askedFields(withCourse)).toEqual([
      "household_income_pence",
      "age",
      "home_postcode_area",
      "care_leaver",
      "first_in_family",
    ]);
    expect(askedFields(asRule(null))).toEqual([]);
    expect(asRule({ nonsense: 1 })).toBeNull();
  });

  it("turns the form's answers into the values the rules compare", () => {
    const { answers, errors } = toAnswers(
      askedFields(rule),
      {
        household_income_pence: "£21,000.50",
        age: "2008-01-13",
        home_postcode_area: " hu1 2ab ",
        care_leaver: "no",
        first_in_family: "yes",
      },
      { startDate: "2027-01-12" },
    );
    expect(errors).toEqual({});
    expect(answers).toEqual({
      household_income_pence: 2_100_050,
      age: 18, // 19 only from the next day
      home_postcode_area: "HU",
      care_leaver: false,
      first_in_family: true,
    });
  });

  it("fills the course's facts from the course, not from the learner", () => {
    const { answers, errors } = toAnswers(["course_level", "course_sector"], {}, {
      startDate: "2027-01-12",
      courseLevel: 4,
      courseSector: "digital",
    });
    expect(errors).toEqual({});
    expect(answers).toEqual({ course_level: 4, course_sector: "digital" });
  });

  it("converts pounds, dates of birth and postcodes, refusing what they are not", () => {
    expect(poundsToPence("25000")).toBe(2_500_000);
    expect(poundsToPence("12.3")).toBe(1230);
    expect(poundsToPence("twenty")).toBeNull();
    expect(poundsToPence("-5")).toBeNull();
    expect(ageOn("2000-02-29", "2030-02-28")).toBe(29);
    expect(ageOn("2000-02-29", "2030-03-01")).toBe(30);
    expect(postcodeArea("L1 8JQ")).toBe("L");
    expect(postcodeArea("DN21 1AA")).toBe("DN");
    expect(postcodeArea("12345")).toBeNull();
  });

  it("describes conditions in plain English", () => {
    expect(describeCondition({ field: "care_leaver", op: "eq", value: false })).toBe(
      "you have not been in local authority care",
    );
    expect(describeCondition({ field: "home_region", op: "eq", value: "north-east" }, { "north-east": "North East" })).toBe(
      "the region you live in is North East",
    );
  });

  it("explains each failed rule the service reports, linked to its question", () => {
    expect(ruleAt(rule, "eligibility.all.2")).toEqual(DEMO_RULE.all[2]);
    const failed = [
      { rule: "eligibility.all.0", field: "household_income_pence", reason: "needs ..." },
      { rule: "eligibility.all.3", field: null, reason: "none of these holds: ..." },
      { rule: "eligibility.all.9", field: "age", reason: "the service's own words" },
    ];
    expect(explainFailures(rule, failed)).toEqual([
      { text: "Your household income per year is at most £25,000", field: "household_income_pence" },
      {
        text: "At least one of these: you have been in local authority care; you are the first in your family to study at this level",
        field: "care_leaver",
      },
      { text: "the service's own words", field: "age" },
    ]);
  });
});
