// Feedback and the first messages: whether and when a client is asked after a visit, which ratings
// show the review links (set in the salon's profile) and which alert the manager, how long the link
// works; and the welcome and thank-you messages, off unless the salon wants them.
import { t } from "../../i18n";
import { Group, SaveBar, useRulesForm, type Spec } from "./RulesForm";

const STARS = ["1", "2", "3", "4", "5"];
const ASK: Spec[] = [
  { kind: "bool", path: "feedback.enabled" },
  { kind: "duration", path: "feedback.delay_minutes", min: 0, max: 7 * 24 * 60 },
  { kind: "whole", path: "feedback.link_days", min: 1, max: 60 },
];
const ANSWERS: Spec[] = [
  { kind: "choice", path: "feedback.happy_from", options: STARS, words: (o) => t("settings.feedback.stars", { count: Number(o) }) },
  { kind: "choice", path: "feedback.unhappy_to", options: STARS, words: (o) => t("settings.feedback.stars", { count: Number(o) }) },
];
const FIRST: Spec[] = [
  { kind: "bool", path: "feedback.welcome" },
  { kind: "bool", path: "feedback.thank_you" },
];

export function FeedbackSection() {
  const f = useRulesForm([...ASK, ...ANSWERS, ...FIRST], "settings.feedback.saved");
  async function submit(ev: Event) {
    ev.preventDefault();
    await f.save((next, errors) => {
      const happy = Number(next.feedback?.happy_from ?? 5);
      const unhappy = Number(next.feedback?.unhappy_to ?? 3);
      if (unhappy >= happy) errors["feedback.unhappy_to"] = t("settings.err.unhappyBelowHappy");
      return next;
    });
  }
  return (
    <form id="feedback-form" class="card" aria-labelledby="feedback-title" onSubmit={submit} noValidate>
      <h2 id="feedback-title">{t("settings.feedback.title")}</h2>
      <Group legend={t("settings.feedback.ask")}>{ASK.map(f.field)}</Group>
      <Group legend={t("settings.feedback.answers")} hint={t("settings.feedback.answersHint")}>{ANSWERS.map(f.field)}</Group>
      <Group legend={t("settings.feedback.first")} hint={t("settings.feedback.firstHint")}>{FIRST.map(f.field)}</Group>
      <SaveBar id="feedback" problem={f.problem.value} busy={f.busy.value} />
    </form>
  );
}
