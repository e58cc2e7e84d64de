// The client pages' API client: JSON over fetch, the API's errors as ApiError (status, code, the
// fields named), types from the OpenAPI document (the console generates them; tsc fails on drift).
import type { components } from "../../../console/src/api/schema";

export type Schemas = components["schemas"];

declare global {
  interface Window {
    REGULARS_CONFIG?: { api?: string };
  }
}

/** Where the API is: config.js's (a deployment writes it from the stack's outputs), else this origin. */
export const API = (typeof window !== "undefined" && window.REGULARS_CONFIG?.api) || "";

export interface FieldProblem {
  field: string;
  reason: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldProblem[];
  readonly retryAfter?: number;

  constructor(status: number, error: { message?: string; code?: string; fields?: FieldProblem[] } | undefined, retryAfter?: number) {
    super(error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = error?.code || (status === 0 ? "offline" : "error");
    this.fields = error?.fields || [];
    this.retryAfter = retryAfter;
  }
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call<T>(method: string, path: string, { body, headers }: CallOptions = {}): Promise<T> {
  const init: RequestInit = { method, headers: { Accept: "application/json", ...(headers || {}) } };
  if (body !== undefined) {
    (init.headers as Record<string, string>)["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(API + path, init);
  } catch {
    throw new ApiError(0, { code: "offline", message: "offline" });
  }
  const text = await response.text();
  let data: any = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, data?.error, Number(response.headers.get("Retry-After")) || undefined);
  }
  return data as T;
}

export const salonPath = (salonId: string, rest: string) => `/v1/salons/${encodeURIComponent(salonId)}${rest}`;

/** Where the page keeps a phone's proof (a one-time code's answer) for this salon. */
export const proofKey = (salonId: string, phone: string) => `regulars.proof.${salonId}.${phone.replace(/[^+\d]/g, "")}`;

export function storedProof(salonId: string, phone: string): string | null {
  try {
    return localStorage.getItem(proofKey(salonId, phone));
  } catch {
    return null; // storage refused (a private window, a sandboxed frame): no proof kept
  }
}

export function keepProof(salonId: string, phones: string[], proof: string | null): void {
  try {
    for (const phone of phones) {
      if (proof) localStorage.setItem(proofKey(salonId, phone), proof);
      else localStorage.removeItem(proofKey(salonId, phone));
    }
  } catch {
    /* storage refused: the next booking asks for a code again */
  }
}

/** DOM helper for the pages without a component framework (manage, feedback, phone). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, unknown> = {},
  ...children: (Node | string | null | undefined | (Node | string)[])[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = String(v);
    else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v as EventListener);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
  return node;
}
