// The console: sign-in, then a screen per area behind one navigation. Screens are loaded when first
// opened (lazy), so the first screen carries only what it needs.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { ErrorBoundary, lazy, LocationProvider, Route, Router, useLocation } from "preact-iso";
import { explain } from "./api/client";
import { restore, signedOut, signIn, signOut, user } from "./auth";
import { Notice } from "./components/ui";
import { choose, language, LANGUAGE_NAMES, LANGUAGES, t, type Language } from "./i18n";
import { loadSession, may, salon } from "./state";

const Calendar = lazy(() => fresh(() => import("./screens/calendar/CalendarScreen")).then((m) => m.CalendarScreen));
const Clients = lazy(() => fresh(() => import("./screens/clients/ClientsScreen")).then((m) => m.ClientsScreen));
const ClientCard = lazy(() => fresh(() => import("./screens/clients/ClientCard")).then((m) => m.ClientCard));
const Campaigns = lazy(() => fresh(() => import("./screens/insights/CampaignsScreen")).then((m) => m.CampaignsScreen));
const Retention = lazy(() => fresh(() => import("./screens/retention/RetentionScreen")).then((m) => m.RetentionScreen));
const Analytics = lazy(() => fresh(() => import("./screens/insights/AnalyticsScreen")).then((m) => m.AnalyticsScreen));
const Audit = lazy(() => fresh(() => import("./screens/audit/AuditScreen")).then((m) => m.AuditScreen));
const Import = lazy(() => fresh(() => import("./screens/import/ImportScreen")).then((m) => m.ImportScreen));
const Settings = lazy(() => fresh(() => import("./screens/settings/SettingsScreen")).then((m) => m.SettingsScreen));

/** A screen's code, or, when a deploy since this page was opened has replaced it (its file is gone),
 * the page once more from the server: the new build's screens. */
function fresh<T>(load: () => Promise<T>): Promise<T> {
  return load().then(
    (module) => {
      sessionStorage.removeItem("regulars.reloaded");
      return module;
    },
    (err) => {
      if (!sessionStorage.getItem("regulars.reloaded")) {
        sessionStorage.setItem("regulars.reloaded", "1");
        location.reload();
      }
      throw err;
    },
  );
}

/** The retention desk is for a role that may list clients by status, see the follow-ups or the waitlist. */
const retentionDesk = () => may("retention.read") || may("tasks.read") || may("waitlist.read");
/** Whether the role sees the settings: any of their sections' operations (each section checks its own). */
const maySettings = () => ["salon.update", "services.update", "staff.update", "team.read"].some((op) => may(op));

export function App() {
  const phase = useSignal<"starting" | "signed-out" | "ready" | "failed">("starting");
  const problem = useSignal("");
  useEffect(() => {
    document.documentElement.lang = language.value;
  }, [language.value]);
  useEffect(() => {
    restore()
      .then(async (u) => {
        if (!u) return (phase.value = "signed-out");
        await loadSession();
        phase.value = "ready";
      })
      .catch((err) => {
        problem.value = err instanceof Error && !("status" in err) ? err.message : explain(err);
        phase.value = "signed-out";
      });
  }, [user.value?.id_token]);

  if (signedOut.value && phase.value === "ready") phase.value = "signed-out";
  if (phase.value === "starting") return <p class="loading">{t("common.loading")}</p>;
  if (phase.value !== "ready") return <SignIn problem={problem.value} expired={signedOut.value} />;
  return (
    <LocationProvider>
      <Shell>
        <ErrorBoundary>
          <Router>
            <Route path="/" component={Calendar} />
            <Route path="/calendar" component={Calendar} />
            <Route path="/clients" component={Clients} />
            <Route path="/clients/:id" component={ClientCard} />
            <Route path="/retention" component={retentionDesk() ? Retention : Calendar} />
            <Route path="/campaigns" component={may("campaigns.read") ? Campaigns : Calendar} />
            <Route path="/analytics" component={may("analytics.read") ? Analytics : Calendar} />
            <Route path="/settings" component={maySettings() ? Settings : Calendar} />
            <Route path="/settings/:section" component={maySettings() ? Settings : Calendar} />
            <Route path="/audit" component={may("audit.read") ? Audit : Calendar} />
            <Route path="/import" component={may("clients.import") ? Import : Calendar} />
            <Route default component={Calendar} />
          </Router>
        </ErrorBoundary>
      </Shell>
    </LocationProvider>
  );
}

function LanguagePicker() {
  return (
    <label class="language">
      <span class="visually-hidden">{t("nav.language")}</span>
      <select aria-label={t("nav.language")} value={language.value} onChange={(e) => choose(e.currentTarget.value as Language)}>
        {LANGUAGES.map((l) => (
          <option value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}

function Shell({ children }: { children: preact.ComponentChildren }) {
  const { path } = useLocation();
  const here = (p: string) => (path === p || path.startsWith(`${p}/`) || (p === "/calendar" && path === "/") ? "page" : undefined);
  return (
    <>
      <a class="skip" href="#main">
        {t("app.skip")}
      </a>
      <header class="top">
        <div class="brand">
          <strong>{t("app.name")}</strong>
          <span class="muted salon-name">{salon.value?.name}</span>
        </div>
        <nav aria-label={t("nav.main")}>
          <a href="/calendar" aria-current={here("/calendar")}>
            {t("nav.calendar")}
          </a>
          {may("clients.read") && (
            <a href="/clients" aria-current={here("/clients")}>
              {t("nav.clients")}
            </a>
          )}
          {retentionDesk() && (
            <a href="/retention" aria-current={here("/retention")}>
              {t("nav.retention")}
            </a>
          )}
          {may("campaigns.read") && (
            <a href="/campaigns" aria-current={here("/campaigns")}>
              {t("nav.campaigns")}
            </a>
          )}
          {may("analytics.read") && (
            <a href="/analytics" aria-current={here("/analytics")}>
              {t("nav.analytics")}
            </a>
          )}
          {maySettings() && (
            <a href="/settings" aria-current={here("/settings")}>
              {t("nav.settings")}
            </a>
          )}
          {may("audit.read") && (
            <a href="/audit" aria-current={here("/audit")}>
              {t("nav.audit")}
            </a>
          )}
          {may("clients.import") && (
            <a href="/import" aria-current={here("/import")}>
              {t("nav.import")}
            </a>
          )}
        </nav>
        <div class="tools">
          <LanguagePicker />
          <button type="button" class="secondary" onClick={() => void signOut()}>
            {t("nav.signOut")}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <Notice />
    </>
  );
}

function SignIn({ problem, expired }: { problem: string; expired: boolean }) {
  const busy = useSignal(false);
  return (
    <main id="main" class="sign-in">
      <div class="card">
        <div class="sign-in-head">
          <h1>{t("signin.title")}</h1>
          <LanguagePicker />
        </div>
        <p class="muted">{t("signin.lead")}</p>
        {expired && <p class="error">{t("signin.expired")}</p>}
        {problem && (
          <p class="error" role="alert">
            {t("signin.failed", { reason: problem })}
          </p>
        )}
        <button
          type="button"
          id="sign-in"
          disabled={busy.value}
          onClick={() => {
            busy.value = true;
            signIn(language.value).catch(() => (busy.value = false));
          }}
        >
          {busy.value ? t("signin.working") : t("signin.button")}
        </button>
      </div>
    </main>
  );
}
