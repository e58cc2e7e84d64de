// The settings: the salon's profile, its services, its staff (hours, breaks, days off) and its team,
// each section shown only to the roles whose operations allow it. Every save reads the salon, its
// staff and services into the store again, so the calendar and the booking see the change.
import { useLocation, useRoute } from "preact-iso";
import { t, type Key } from "../../i18n";
import { may } from "../../state";
import { SalonSection } from "./SalonSection";
import { ServicesSection } from "./ServicesSection";
import { StaffSection } from "./StaffSection";
import { TeamSection } from "./TeamSection";

const SECTIONS = [
  { id: "salon", ops: ["salon.update"], Part: SalonSection },
  { id: "services", ops: ["services.update", "services.create"], Part: ServicesSection },
  { id: "staff", ops: ["staff.update", "staff.create"], Part: StaffSection },
  { id: "team", ops: ["team.read"], Part: TeamSection },
] as const;

/** The settings sections the signed-in role may open. */
export const allowedSections = () => SECTIONS.filter((s) => s.ops.some((op) => may(op)));


export function SettingsScreen() {
  const { params } = useRoute();
  const { path } = useLocation();
  const shown = allowedSections();
  const current = shown.find((s) => s.id === params.section) ?? shown[0];
  if (!current) return <p class="error">{t("error.forbidden")}</p>;
  const Part = current.Part;
  return (
    <section class="settings" aria-labelledby="settings-title">
      <h1 id="settings-title">{t("settings.title")}</h1>
      <nav class="tabs" aria-label={t("settings.sections")}>
        {shown.map((s) => (
          <a
            href={`/settings/${s.id}`}
            id={`settings-tab-${s.id}`}
            aria-current={s === current || path === `/settings/${s.id}` ? "page" : undefined}
          >
            {t(`settings.section.${s.id}` as Key)}
          </a>
        ))}
      </nav>
      <Part />
    </section>
  );
}
