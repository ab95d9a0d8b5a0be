import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { ErrorSummary, errorsFromProblem, TextField } from "./Form";

describe("ErrorSummary", () => {
  it("takes focus and links each error to its field", async () => {
    render(
      <>
        <ErrorSummary errors={{ email: "Enter your email address", password: "" }} />
        <TextField id="email" label="Email address" error="Enter your email address" />
      </>,
    );
    const summary = screen.getByRole("alert");
    expect(document.activeElement).toBe(summary);
    expect(summary.textContent).toContain("There is a problem");
    const link = screen.getByRole("link", { name: "Enter your email address" });
    expect(link.getAttribute("href")).toBe("#email");
    await userEvent.click(link);
    expect(document.activeElement).toBe(screen.getByLabelText("Email address"));
  });

  it("shows nothing when there are no errors", () => {
    const { container } = render(<ErrorSummary errors={{}} />);
    expect(container.innerHTML).toBe("");
  });
});

describe("TextField", () => {
  it("ties the hint and the error to the input for screen readers", () => {
    render(<TextField id="postcode" label="Postcode" hint="Like LN6 7TS" error="Enter a real postcode" />);
    const input = screen.getByLabelText("Postcode");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toBe("postcode-hint postcode-error");
    expect(document.getElementById("postcode-error")?.textContent).toContain("Enter a real postcode");
  });
});

describe("errorsFromProblem", () => {
  it("maps a problem's field errors to input ids", () => {
    const error = new ApiError(422, {
      status: 422,
      title: "The request is not valid",
      errors: [
        { field: "body.password", message: "This password is too common", code: "common" },
        { field: "body.intake_id", message: "The deadline has passed", code: "closed" },
      ],
    });
    expect(errorsFromProblem(error, { intake_id: "statement" })).toEqual({
      password: "This password is too common",
      statement: "The deadline has passed",
    });
    expect(errorsFromProblem(new Error("x"))).toEqual({});
  });
});
