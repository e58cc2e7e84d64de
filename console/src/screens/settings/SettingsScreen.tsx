// The settings: the salon's profile, its services, its staff (hours, breaks, days off), its team and
// its rules (booking, reminders, channels, message texts, loyalty, retention, feedback, data), each
// section shown only to the roles whose operations allow it. Every save reads the salon, its
// staff and services into the store again, so the calendar and the booking see the change.
import { useLocation, useRoute } from "preact-iso";
import { t, type Key } from "../../i18n";
import { may } from "../../state";
import { BookingSection } from "./BookingSection";
import { ChannelsSection } from "./ChannelsSection";
import { DataSection } from "./DataSection";
import { FeedbackSection } from "./FeedbackSection";
import { LoyaltySection } from "./LoyaltySection";
import { RemindersSection } from "./RemindersSection";
import { RetentionSection } from "./RetentionSection";
import { SalonSection } from "./SalonSection";
import { ServicesSection } from "./ServicesSection";
import { StaffSection } from "./StaffSection";
import { TeamSection } from "./TeamSection";
import { TemplatesSection } from "./TemplatesSection";
import { WidgetSection } from "./WidgetSection";

const SECTIONS = [
  { id: "salon", ops: ["salon.update"], Part: SalonSection },
  { id: "services", ops: ["services.update", "services.create"], Part: ServicesSection },
  { id: "staff", ops: ["staff.update", "staff.create"], Part: StaffSection },
  { id: "team", ops: ["team.read"], Part: TeamSection },
  // the salon's rules: each saved with the whole settings object, so only a role that may change the salon
  { id: "booking", ops: ["salon.update"], Part: BookingSection },
  { id: "reminders", ops: ["salon.update"], Part: RemindersSection },
  { id: "channels", ops: ["salon.update"], Part: ChannelsSection },
  { id: "templates", ops: ["salon.update"], Part: TemplatesSection },
  { id: "loyalty", ops: ["salon.update"], Part: LoyaltySection },
  { id: "retention", ops: ["salon.update"], Part: RetentionSection },
  { id: "feedback", ops: ["salon.update"], Part: FeedbackSection },
  { id: "data", ops: ["salon.update"], Part: DataSection },
  // the booking page as the salon shares it: its link, the tag for the salon's site, a QR code
  { id: "widget", ops: ["salon.update"], Part: WidgetSection },
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
      <Part key={current.id} />
    </section>
  );
}
