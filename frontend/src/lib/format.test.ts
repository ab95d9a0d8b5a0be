import { describe, expect, it } from "vitest";
import { formatDate, formatDistance, formatDuration, formatFee, plural } from "./format";

describe("formatFee", () => {
  it("shows pence as pounds", () => {
    expect(formatFee(925000)).toBe("£9,250");
    expect(formatFee(1050)).toBe("£10.50");
    expect(formatFee(0)).toBe("Free");
  });
});

describe("formatDate", () => {
  it("shows a calendar date without shifting the day", () => {
    expect(formatDate("2027-09-01")).toBe("1 September 2027");
  });
});

describe("formatDuration", () => {
  it("uses years when it can", () => {
    expect(formatDuration(24)).toBe("2 years");
    expect(formatDuration(12)).toBe("1 year");
    expect(formatDuration(18)).toBe("18 months");
  });
});

describe("small words", () => {
  it("pluralises and rounds distances", () => {
    expect(plural(1, "course")).toBe("1 course");
    expect(plural(1200, "course")).toBe("1,200 courses");
    expect(formatDistance(3.14)).toBe("3.1 km");
    expect(formatDistance(42.6)).toBe("43 km");
    expect(formatDistance(0)).toBe("less than 1 km");
  });
});
