// The typed API client: paths, parameters and bodies are checked against the OpenAPI document the API
// itself publishes (schema.d.ts is generated from docs/openapi.json; a test fails when they drift).
import createClient, { type Middleware } from "openapi-fetch";
import { currentToken, onSignedOut } from "../auth";
import { has, t, type Key } from "../i18n";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Appointment = Schemas["AppointmentOut"];
export type Client = Schemas["ClientOut"];
export type ClientDetail = Schemas["ClientDetailOut"];
export type Staff = Schemas["StaffMember"];
export type Service = Schemas["ServiceAdminOut"];
export type Salon = Schemas["SalonAdminOut"];
export type Me = Schemas["MeOut"];
export type Loyalty = Schemas["LoyaltyOut"];

declare global {
  interface Window {
    REGULARS_CONFIG?: { api?: string; auth?: { authority: string; clientId: string; domain?: string } };
  }
}

export interface FieldProblem {
  field: string;
  reason: string;
}

/** An answer that is not a success: its status, its code and the fields it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

const auth: Middleware = {
  async onRequest({ request }) {
    const token = await currentToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401) onSignedOut();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.REGULARS_CONFIG?.api ?? "" });
api.use(auth);

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The data of a successful answer, or an ApiError with the API's code and fields. */
export async function ok<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (err) {
    throw new ApiError(0, "network", String(err));
  }
  if (answer.response.ok) return answer.data as T;
  const body = (answer.error ?? {}) as { error?: { code?: string; message?: string; fields?: FieldProblem[] } };
  const retry = Number(answer.response.headers.get("Retry-After")) || undefined;
  throw new ApiError(answer.response.status, body.error?.code ?? "error", body.error?.message ?? "", body.error?.fields ?? [], retry);
}

/** Whether a write was surely not made, so that a new attempt may take a new Idempotency-Key: a refusal
 * of the request itself. A lost answer, a server error or a write still in progress may have been
 * made: the retry keeps the key and gets the first answer. */
export function definitelyRefused(err: unknown): boolean {
  return err instanceof ApiError && err.status >= 400 && err.status < 500 && err.code !== "idempotency_in_progress" && err.status !== 429;
}

const BY_STATUS: Record<number, Key> = { 0: "error.network", 401: "error.unauthorized", 403: "error.forbidden", 404: "error.not_found", 429: "error.rate_limited" };

/** What went wrong, in the user's language: the API's code when we have words for it, else by status. */
export function explain(err: unknown): string {
  if (!(err instanceof ApiError)) return t("error.generic", { status: "?" });
  const byCode = `error.${err.code}`;
  if (has(byCode)) return t(byCode);
  if (err.code.endsWith("_not_found")) return t("error.not_found");
  if (BY_STATUS[err.status]) return t(BY_STATUS[err.status]);
  if (err.status === 422 || err.status === 400) return t("error.invalid");
  if (err.status === 409) return t("error.not_allowed");
  return t("error.generic", { status: err.status });
}

/** The API's field problems, in words, keyed by the form's own field names (``rename`` maps the API's
 * field paths, e.g. "client.phone", to them). */
export function fieldErrors(err: unknown, rename: Record<string, string> = {}): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const f of err.fields) {
    const name = rename[f.field] ?? f.field.split(".").pop() ?? f.field;
    out[name] = reasonInWords(f.reason, err.code);
  }
  if (err.code === "invalid_phone" || err.code === "phone_taken" || err.code === "phone_country_not_accepted") out.phone = explain(err);
  return out;
}

function reasonInWords(reason: string, code: string): string {
  const r = reason.toLowerCase();
  if (has(`error.${code}`) && code !== "invalid_input") return t(`error.${code}` as Key);
  if (r.includes("required") || r.includes("missing")) return t("error.fieldRequired");
  if (r.includes("at most") || r.includes("too long")) return t("error.fieldTooLong");
  if (r.includes("at least") || r.includes("too short")) return t("error.fieldTooShort");
  if (r.includes("date")) return t("error.fieldDate");
  if (r.includes("pattern") && r.includes("@")) return t("error.fieldEmail");
  return t("error.field");
}
