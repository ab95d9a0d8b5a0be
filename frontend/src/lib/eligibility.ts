// A bursary scheme's eligibility rules (the partnerships service's rule language, held as JSON on
// the scheme): which questions to ask the learner, how to turn their answers into the values the
// rules compare, and what a rule or a failed rule means in plain English.
//
//   {"all": [rule, ...]} | {"any": [rule, ...]} | {"not": rule} | {"field": f, "op": op, "value": v}
import { formatMoney } from "./format";

export type Condition = { field: string; op: string; value: unknown };
export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | Condition;
export type AnswerValue = number | boolean | string;

/** What the learner is asked. `course_level` and `course_sector` come from the course instead. */
export type QuestionKind = "income" | "age" | "postcode" | "region" | "yes_no";

interface FieldInfo {
  kind: QuestionKind | "course";
  /** The question (a label or a legend). */
  question: string;
  hint?: string;
  /** The subject of a sentence about this field: "your household income". */
  subject: string;
  /** yes/no fields: the fact as a sentence about the learner, and its opposite. */
  yes?: string;
  no?: string;
}

export const FIELDS: Record<string, FieldInfo> = {
  household_income_pence: {
    kind: "income",
    question: "What is your household's income per year, before tax?",
    hint: "In pounds, for everyone you live with who supports you. For example, 21000.",
    subject: "your household income per year",
  },
  age: {
    kind: "age",
    question: "What is your date of birth?",
    hint: "We use it to work out your age on the day your course starts.",
    subject: "your age on the day the course starts",
  },
  home_postcode_area: {
    kind: "postcode",
    question: "What is your home postcode?",
    hint: "For example, HU1 2AB. The bursary looks only at its first letters (HU).",
    subject: "your home postcode area",
  },
  home_region: {
    kind: "region",
    question: "Which region do you live in?",
    subject: "the region you live in",
  },
  course_level: { kind: "course", question: "", subject: "the course's level" },
  course_sector: { kind: "course", question: "", subject: "the course's sector" },
  care_leaver: {
    kind: "yes_no",
    question: "Have you ever been in local authority care?",
    subject: "having been in care",
    yes: "you have been in local authority care",
    no: "you have not been in local authority care",
  },
  first_in_family: {
    kind: "yes_no",
    question: "Are you the first in your family to study at this level?",
    subject: "being the first in your family to study at this level",
    yes: "you are the first in your family to study at this level",
    no: "you are not the first in your family to study at this level",
  },
  young_carer: {
    kind: "yes_no",
    question: "Do you look after a family member who is ill, disabled or needs support?",
    subject: "caring for a family member",
    yes: "you care for a family member",
    no: "you do not care for a family member",
  },
  disabled: {
    kind: "yes_no",
    question: "Do you have a disability or a long-term health condition?",
    subject: "having a disability or long-term health condition",
    yes: "you have a disability or long-term health condition",
    no: "you do not have a disability or long-term health condition",
  },
  estranged: {
    kind: "yes_no",
    question: "Are you estranged from your family (no contact with or support from them)?",
    subject: "being estranged from your family",
    yes: "you are estranged from your family",
    no: "you are not estranged from your family",
  },
  free_school_meals: {
    kind: "yes_no",
    question: "Did you get free school meals at school?",
    subject: "having had free school meals",
    yes: "you had free school meals",
    no: "you did not have free school meals",
  },
};

export const questionId = (field: string) => `question-${field.replace(/[^a-zA-Z0-9_-]/g, "-")}`;

const isObject = (node: unknown): node is Record<string, unknown> =>
  typeof node === "object" && node !== null && !Array.isArray(node);

/** The scheme's rule, or null when it has none (everyone is eligible) or it is not one we read. */
export function asRule(node: unknown): Rule | null {
  if (!isObject(node)) return null;
  if (Array.isArray(node.all)) return node as Rule;
  if (Array.isArray(node.any)) return node as Rule;
  if ("not" in node && isObject(node.not)) return node as Rule;
  if (typeof node.field === "string" && typeof node.op === "string" && "value" in node) {
    return node as Rule;
  }
  return null;
}

function children(rule: Rule): Rule[] {
  if ("all" in rule) return rule.all;
  if ("any" in rule) return rule.any;
  if ("not" in rule) return [rule.not];
  return [];
}

/** Every field the rule looks at, in the order it first mentions them. */
export function ruleFields(rule: Rule | null): string[] {
  const seen: string[] = [];
  const walk = (node: Rule) => {
    if ("field" in node) {
      if (!seen.includes(node.field)) seen.push(node.field);
      return;
    }
    children(node).forEach(walk);
  };
  if (rule) walk(rule);
  return seen;
}

/** The fields the learner answers (known fields about the learner, not the course). */
export const askedFields = (rule: Rule | null) =>
  ruleFields(rule).filter((f) => FIELDS[f] && FIELDS[f].kind !== "course");

/** The rule at a path the service reports, e.g. "eligibility.all.1" (null when unknown). */
export function ruleAt(rule: Rule | null, path: string): Rule | null {
  let node: unknown = rule;
  for (const part of path.split(".").slice(1)) {
    if (Array.isArray(node) && /^\d+$/.test(part)) node = node[Number(part)];
    else if (isObject(node)) node = node[part];
    else return null;
  }
  return asRule(node);
}

/** Whole years between a date of birth and a day, both "YYYY-MM-DD". */
export function ageOn(dateOfBirth: string, day: string): number | null {
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!b || !d) return null;
  const [by, bm, bd] = [Number(b[1]), Number(b[2]), Number(b[3])];
  const [dy, dm, dd] = [Number(d[1]), Number(d[2]), Number(d[3])];
  let age = dy - by;
  if (dm < bm || (dm === bm && dd < bd)) age -= 1;
  return age;
}

/** "hu1 2ab" → "HU"; "L1 8JQ" → "L"; null when it does not look like a UK postcode. */
export function postcodeArea(postcode: string): string | null {
  const compact = postcode.replace(/\s+/g, "").toUpperCase();
  const match = /^([A-Z]{1,2})[0-9][0-9A-Z]?([0-9][A-Z]{2})?$/.exec(compact);
  return match ? match[1]! : null;
}

/** "21,000.50" or "£21000" → 2100050 pence; null when it is not an amount of money. */
export function poundsToPence(text: string): number | null {
  const cleaned = text.replace(/[£,\s]/g, "");
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  return Math.round(Number(cleaned) * 100);
}

export interface AnswerContext {
  /** The day the course starts ("YYYY-MM-DD"), for the learner's age. */
  startDate: string;
  courseLevel?: number | undefined;
  courseSector?: string | undefined;
}

/**
 * The form's raw answers (by field) as the values the rules compare, and the problems with them
 * (by question id), for the fields the rule asks about. Every asked field needs an answer.
 */
export function toAnswers(
  fields: string[],
  raw: Record<string, string>,
  context: AnswerContext,
): { answers: Record<string, AnswerValue>; errors: Record<string, string> } {
  const answers: Record<string, AnswerValue> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const info = FIELDS[field];
    if (!info) continue;
    const text = (raw[field] ?? "").trim();
    const id = questionId(field);
    switch (info.kind) {
      case "course":
        if (field === "course_level" && context.courseLevel !== undefined) {
          answers[field] = context.courseLevel;
        } else if (field === "course_sector" && context.courseSector) {
          answers[field] = context.courseSector;
        }
        break;
      case "income": {
        const pence = text ? poundsToPence(text) : null;
        if (!text) errors[id] = "Enter your household income per year, in pounds";
        else if (pence === null) errors[id] = "Enter your household income in pounds, like 21000";
        else answers[field] = pence;
        break;
      }
      case "age": {
        const age = text ? ageOn(text, context.startDate) : null;
        if (!text) errors[id] = "Enter your date of birth";
        else if (age === null || age < 0 || age > 130) errors[id] = "Enter a real date of birth";
        else answers[field] = age;
        break;
      }
      case "postcode": {
        const area = text ? postcodeArea(text) : null;
        if (!text) errors[id] = "Enter your home postcode";
        else if (area === null) errors[id] = "Enter a full UK postcode, like HU1 2AB";
        else answers[field] = area;
        break;
      }
      case "region":
        if (!text) errors[id] = "Select the region you live in";
        else answers[field] = text;
        break;
      case "yes_no":
        if (text !== "yes" && text !== "no") errors[id] = `Select yes or no: ${info.question}`;
        else answers[field] = text === "yes";
        break;
    }
  }
  return { answers, errors };
}

const WORDS: Record<string, string> = {
  eq: "is",
  ne: "is not",
  lt: "is less than",
  lte: "is at most",
  gt: "is more than",
  gte: "is at least",
  in: "is one of",
  not_in: "is not",
  between: "is between",
};

function showValue(field: string, value: unknown, names: Record<string, string>): string {
  if (field === "household_income_pence" && typeof value === "number") return formatMoney(value);
  if (field === "age" && typeof value === "number") return `${value}`;
  if (typeof value === "string") return names[value] ?? value;
  return String(value);
}

function list(items: string[], last: string): string {
  return items.length < 2 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${last} ${items.at(-1)}`;
}

/** One condition as a plain English sentence fragment: "your household income per year is at
 * most £25,000". `names` turns slugs (regions, sectors) into names. */
export function describeCondition(c: Condition, names: Record<string, string> = {}): string {
  const info = FIELDS[c.field];
  if (info?.kind === "yes_no" && typeof c.value === "boolean") {
    const positive = (c.op === "eq") === c.value;
    return (positive ? info.yes : info.no) ?? c.field;
  }
  const subject = info?.subject ?? c.field;
  const values = Array.isArray(c.value) ? c.value.map((v) => showValue(c.field, v, names)) : [];
  if (c.op === "between" && values.length === 2) {
    return `${subject} is between ${values[0]} and ${values[1]}`;
  }
  if (c.op === "in") return `${subject} is ${list(values, "or")}`;
  if (c.op === "not_in") return `${subject} is not ${list(values, "or")}`;
  return `${subject} ${WORDS[c.op] ?? c.op} ${showValue(c.field, c.value, names)}`;
}

/** A rule in plain English: the conditions of an "all" become separate points. */
export function describeRule(rule: Rule | null, names: Record<string, string> = {}): string[] {
  if (!rule) return [];
  if ("all" in rule) return rule.all.flatMap((r) => describeRule(r, names));
  return [describeOne(rule, names)];
}

function describeOne(rule: Rule, names: Record<string, string>): string {
  if ("field" in rule) return capitalise(describeCondition(rule, names));
  const parts = (rules: Rule[]) => rules.map((r) => uncapitalise(describeOne(r, names))).join("; ");
  if ("any" in rule) return `At least one of these: ${parts(rule.any)}`;
  if ("not" in rule) return `Not this: ${parts([rule.not])}`;
  return `All of these: ${parts(rule.all)}`;
}

const uncapitalise = (text: string) => text.replace(/^./, (c) => c.toLowerCase());
const capitalise = (text: string) => text.replace(/^./, (c) => c.toUpperCase());

export interface FailedRule {
  rule: string;
  field: string | null;
  reason: string;
}

/** Why the learner does not look eligible, one plain sentence per failed rule, linked to the
 * question it is about when there is one. Falls back to the service's own reason. */
export function explainFailures(
  rule: Rule | null,
  failed: FailedRule[],
  names: Record<string, string> = {},
): { text: string; field: string | null }[] {
  return failed.map((f) => {
    const node = ruleAt(rule, f.rule);
    if (!node) return { text: f.reason, field: f.field };
    const field = "field" in node ? node.field : (ruleFields(node)[0] ?? null);
    return { text: describeOne(node, names), field };
  });
}
