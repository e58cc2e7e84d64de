// The audit trail's words: which kind an action is, who did it (without the sign-in's prefix), and a
// changed field's name in the user's language.
import { has, t } from "../../i18n";

export const GROUPS = ["clients", "bonus", "settings", "marketing", "team"] as const;
export type Group = (typeof GROUPS)[number];

export function actionGroup(action: string): Group | null {
  if (action.startsWith("client.")) return "clients";
  if (action.startsWith("loyalty.")) return "bonus";
  if (/^(salon|service|staff)\./.test(action)) return "settings";
  if (/^(segment|campaign)\./.test(action)) return "marketing";
  if (action.startsWith("team.")) return "team";
  return null;
}

/** "admin:anna@example.com" → "anna@example.com"; a system actor in words. */
export function who(by: string): string {
  const [kind, ...rest] = by.split(":");
  const name = rest.join(":");
  if (kind === "admin" && name) return name === "admin" ? t("audit.by.admin") : name;
  return has(`audit.by.${kind}`) ? t(`audit.by.${kind}` as never) : by;
}

/** A field or settings section by its name in the user's words; an unknown one as it is written. */
export const fieldWords = (name: string) => (has(`audit.field.${name}`) ? t(`audit.field.${name}` as never) : name.replace(/_/g, " "));
