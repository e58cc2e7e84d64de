// The console's one store: who is signed in, the salon, its staff and services (loaded once a
// session), and the notice the screens announce. Screens read these signals and call these actions.
import { computed, signal } from "@preact/signals";
import { api, ok, type Me, type Salon, type Service, type Staff } from "./api/client";
import { currency, language, salonCountry, salonLocale, salonZone, settle } from "./i18n";

export const me = signal<Me | null>(null);
export const salon = signal<Salon | null>(null);
export const staff = signal<Staff[]>([]);
export const services = signal<Service[]>([]);
// what was just done or refused, in the language it was said in (another language hides it: its words would be out of place)
export const notice = signal<{ text: string; tone: "ok" | "error"; seq: number; lang: string } | null>(null);

export const staffById = computed(() => new Map(staff.value.map((s) => [s.id, s])));
export const serviceById = computed(() => new Map(services.value.map((s) => [s.id, s])));

/** Whether the signed-in role allows an operation ("appointments.refund"): screens show only these. */
export const may = (operation: string) => me.value?.operations.includes(operation) ?? false;

export async function loadSession(): Promise<void> {
  const [who, s, st, sv] = await Promise.all([
    ok(api.GET("/v1/admin/me")),
    ok(api.GET("/v1/admin/salon")),
    ok(api.GET("/v1/admin/staff")),
    ok(api.GET("/v1/admin/services")),
  ]);
  me.value = who;
  keep(s, st, sv);
  settle(s.locale);
}

/** The salon, its staff and services read again: after a change in the settings, so every screen (the
 * calendar's columns and hours, the booking's services) sees it. */
export async function refreshCatalog(): Promise<void> {
  const [s, st, sv] = await Promise.all([
    ok(api.GET("/v1/admin/salon")),
    ok(api.GET("/v1/admin/staff")),
    ok(api.GET("/v1/admin/services")),
  ]);
  keep(s, st, sv);
}

function keep(s: Salon, st: Staff[], sv: Service[]): void {
  salon.value = s;
  staff.value = st.filter((m) => m.active !== false);
  services.value = sv;
  salonZone.value = s.timezone;
  salonLocale.value = s.locale;
  salonCountry.value = s.country ?? "";
  currency.value = s.currency;
}

export function say(text: string, tone: "ok" | "error" = "ok"): void {
  notice.value = { text, tone, seq: (notice.value?.seq ?? 0) + 1, lang: language.value };
}
