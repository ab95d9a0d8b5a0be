import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { Pagination } from "./Pagination";

const renderAt = (page: number, pages: number) =>
  render(
    <MemoryRouter>
      <Pagination page={page} pages={pages} href={(n) => `/search?page=${n}`} />
    </MemoryRouter>,
  );

describe("Pagination", () => {
  it("marks the current page and links the neighbours, first and last", () => {
    renderAt(5, 12);
    expect(screen.getByRole("navigation", { name: "Results pages" })).toBeTruthy();
    expect(document.querySelector('[aria-current="page"]')?.textContent).toBe("Page 5");
    const pages = screen.getAllByRole("link").map((a) => a.getAttribute("href"));
    expect(pages).toEqual([
      "/search?page=4",
      "/search?page=1",
      "/search?page=4",
      "/search?page=6",
      "/search?page=12",
      "/search?page=6",
    ]);
  });

  it("has no previous link on the first page and nothing for a single page", () => {
    renderAt(1, 3);
    expect(screen.queryByRole("link", { name: /Previous/ })).toBeNull();
    expect(screen.getByRole("link", { name: /Next/ })).toBeTruthy();
  });

  it("renders nothing for one page", () => {
    const { container } = renderAt(1, 1);
    expect(container.innerHTML).toBe("");
  });
});
