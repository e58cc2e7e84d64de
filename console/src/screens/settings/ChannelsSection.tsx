// Quiet hours and caps, and the channels: the order they are tried in (the first that reaches the
// client and is allowed), how the providers' prices count in the salon's currency, and what each
// channel carried and cost in the last twelve months as the analytics report it (which providers
// this deployment has is not something the API says; a channel that carried messages has one).
import { useSignal } from "@preact/signals";
import { api, ok } from "../../api/client";
import { Field, Scroll } from "../../components/ui";
import { money, number, t } from "../../i18n";
import { useLoad } from "../../lib/load";
import { may, salon } from "../../state";
import { joinQuiet, move, splitQuiet } from "./rules";
import { Group, problemWords, SaveBar, useRulesForm, type Spec } from "./RulesForm";

export const CHANNELS = ["push", "telegram", "whatsapp", "sms"] as const;
type Channel = (typeof CHANNELS)[number];

const CAPS: Spec[] = [
  { kind: "whole", path: "marketing_cap", min: 0, max: 50 },
  { kind: "whole", path: "marketing_cap_days", min: 1, max: 90 },
  { kind: "whole", path: "protection.sms_daily_parts", min: 0, max: 10_000_000, optional: true },
];
const COST: Spec[] = [{ kind: "whole", path: "campaigns.message_cost_rate", min: 1, max: 1_000_000 }];

/** A channel's name: the brands (Telegram, WhatsApp) as the console already writes them everywhere. */
const channelName = (c: Channel) => (c === "telegram" || c === "whatsapp" ? t(`source.${c}`) : t(`settings.channel.${c}`));

function ChannelCosts() {
  const { value, problem } = useLoad(() => ok(api.GET("/v1/admin/analytics")));
  const report = value.value;
  if (problem.value) return <p class="muted">{problem.value}</p>;
  if (!report) return <p class="loading">{t("common.loading")}</p>;
  const by = new Map<string, { count: number; cost: number }>();
  for (const row of report.messages) {
    const x = by.get(row.channel) ?? { count: 0, cost: 0 };
    by.set(row.channel, { count: x.count + row.count, cost: x.cost + row.cost });
  }
  return (
    <Scroll labelledBy="channel-costs-title">
      <table id="channel-costs">
        <caption id="channel-costs-title">{t("settings.channels.costsTitle")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("settings.channels.channel")}</th>
            <th scope="col" class="num">{t("settings.channels.sent")}</th>
            <th scope="col" class="num">{t("settings.channels.costEach")}</th>
          </tr>
        </thead>
        <tbody>
          {CHANNELS.map((c) => {
            const x = by.get(c);
            return (
              <tr data-channel={c}>
                <th scope="row">{channelName(c)}</th>
                <td class="num">{x ? number(x.count) : t("settings.channels.noneSent")}</td>
                <td class="num">{x && x.count ? money(Math.round(x.cost / x.count), report.currency) : "—"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Scroll>
  );
}

export function ChannelsSection() {
  const f = useRulesForm([...CAPS, ...COST], "settings.channels.saved");
  const s = salon.value!.settings;
  const quiet = splitQuiet(s.quiet_hours ?? "21:00-09:00");
  const quietOn = useSignal(Boolean(quiet && quiet[0] !== quiet[1]));
  const from = useSignal(quiet && quiet[0] !== quiet[1] ? quiet[0] : "21:00");
  const to = useSignal(quiet && quiet[0] !== quiet[1] ? quiet[1] : "09:00");
  const order = useSignal<Channel[]>([...((s.channel_order ?? CHANNELS) as Channel[])]);
  const unused = CHANNELS.filter((c) => !order.value.includes(c));

  async function submit(ev: Event) {
    ev.preventDefault();
    await f.save((next, errors) => {
      let quietHours = "00:00-00:00";
      if (quietOn.value) {
        const r = joinQuiet(from.value, to.value);
        if (r.ok) quietHours = r.value;
        else errors.quiet_hours = problemWords(r.problem);
      }
      if (!order.value.length) errors.channel_order = t("settings.err.oneChannel");
      return { ...next, quiet_hours: quietHours, channel_order: order.value };
    }, { "quiet_hours": "quiet_hours", "channel_order": "channel_order" });
  }

  return (
    <form id="channels-form" class="card" aria-labelledby="channels-title" onSubmit={submit} noValidate>
      <h2 id="channels-title">{t("settings.channels.title")}</h2>
      <fieldset>
        <legend>{t("settings.channels.quiet")}</legend>
        <p class="hint">{t("settings.channels.quietHint")}</p>
        <label class="check">
          <input type="checkbox" name="quiet-on" checked={quietOn.value} onChange={(e) => (quietOn.value = e.currentTarget.checked)} />
          {t("settings.channels.quietOn")}
        </label>
        {quietOn.value && (
          <div class="span-row">
            <Field label={t("settings.channels.quietFrom")} error={f.errors.value.quiet_hours}
              input={{ name: "quiet-from", type: "time", value: from.value, onInput: (e) => (from.value = e.currentTarget.value) }} />
            <Field label={t("settings.channels.quietTo")}
              input={{ name: "quiet-to", type: "time", value: to.value, onInput: (e) => (to.value = e.currentTarget.value) }} />
          </div>
        )}
      </fieldset>
      <Group legend={t("settings.channels.caps")} hint={t("settings.channels.capsHint")}>{CAPS.map(f.field)}</Group>
      <fieldset>
        <legend>{t("settings.channels.order")}</legend>
        <p class="hint">{t("settings.channels.orderHint")}</p>
        <ol id="channel-order" class="channel-order">
          {order.value.map((c, i) => (
            <li data-channel={c}>
              <span class="channel-name">{channelName(c)}</span>
              <span class="row-actions">
                <button type="button" class="secondary" disabled={i === 0} aria-label={t("settings.channels.up", { channel: channelName(c) })}
                  onClick={() => (order.value = move(order.value, i, -1))}>↑</button>
                <button type="button" class="secondary" disabled={i === order.value.length - 1} aria-label={t("settings.channels.down", { channel: channelName(c) })}
                  onClick={() => (order.value = move(order.value, i, 1))}>↓</button>
                <button type="button" class="secondary" aria-label={t("settings.channels.drop", { channel: channelName(c) })}
                  onClick={() => (order.value = order.value.filter((x) => x !== c))}>×</button>
              </span>
            </li>
          ))}
        </ol>
        {f.errors.value.channel_order && <p class="error">{f.errors.value.channel_order}</p>}
        {unused.length > 0 && (
          <p class="channel-unused">
            {t("settings.channels.unused")}{" "}
            {unused.map((c) => (
              <button type="button" class="link" name={`use-${c}`} onClick={() => (order.value = [...order.value, c])}>
                {t("settings.channels.use", { channel: channelName(c) })}
              </button>
            ))}
          </p>
        )}
      </fieldset>
      <Group legend={t("settings.channels.cost")} hint={t("settings.channels.costHint")}>{COST.map(f.field)}</Group>
      {may("analytics.read") && <ChannelCosts />}
      <SaveBar id="channels" problem={f.problem.value} busy={f.busy.value} />
    </form>
  );
}
