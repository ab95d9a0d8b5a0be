import { describe, expect, it } from "vitest";
import {
  effectiveSort,
  emptySearch,
  parseSearch,
  searchHref,
  toApiQuery,
  toggleFilter,
  toParams,
} from "./searchState";

const parse = (query: string) => parseSearch(new URLSearchParams(query));

describe("parseSearch", () => {
  it("reads every part of a shared link", () => {
    const state = parse(
      "q=renewable+energy&postcode=ln6&radius_km=25&sector=green-energy&level=4&level=5&study_mode=part_time&sort=distance&page=3",
    );
    expect(state).toMatchObject({
      q: "renewable energy",
      postcode: "LN6",
      radius: 25,
      sector: ["green-energy"],
      level: [4, 5],
      study_mode: ["part_time"],
      sort: "distance",
      page: 3,
    });
  });

  it("drops values a person or an old link made up", () => {
    const state = parse(
      "level=9&level=abc&qualification=phd&delivery_mode=teleport&institute=not-a-uuid&radius_km=7&page=-2&sort=random&sector=<script>",
    );
    expect(state).toEqual(emptySearch());
  });

  it("keeps each filter value once", () => {
    expect(parse("sector=digital&sector=digital").sector).toEqual(["digital"]);
  });
});

describe("toParams", () => {
  it("round-trips and leaves defaults out of the URL", () => {
    const query = "q=cyber&sector=digital&level=4&page=2";
    expect(toParams(parse(query)).toString()).toBe(query);
    expect(toParams(emptySearch()).toString()).toBe("");
  });

  it("drops the radius when there is no postcode", () => {
    expect(toParams(parse("radius_km=25")).has("radius_km")).toBe(false);
  });
});

describe("toggleFilter", () => {
  it("adds and removes a value and goes back to page 1", () => {
    const start = parse("level=4&page=5");
    const added = toggleFilter(start, "level", "6");
    expect(added.level).toEqual([4, 6]);
    expect(added.page).toBe(1);
    expect(toggleFilter(added, "level", "4").level).toEqual([6]);
  });
});

describe("toApiQuery", () => {
  it("asks for the right page of results with the filters", () => {
    expect(toApiQuery(parse("q=weld&qualification=hnc&page=3"))).toEqual({
      q: "weld",
      qualification: ["hnc"],
      limit: 20,
      offset: 40,
    });
  });

  it("never asks to sort by distance without a place", () => {
    expect(toApiQuery(parse("sort=distance")).sort).toBeUndefined();
    expect(effectiveSort(parse("sort=distance&q=x"))).toBe("relevance");
    expect(effectiveSort(parse("postcode=LN6"))).toBe("distance");
  });
});

describe("searchHref", () => {
  it("makes a results link from part of a state", () => {
    expect(searchHref({ sector: ["green-energy"] })).toBe("/search?sector=green-energy");
    expect(searchHref({})).toBe("/search");
  });
});
