// A new salon's set-up path: each step with whether it is done and where it is done (the settings'
// sections, this screen's import), the channels the deployment can send on, and the booking link to
// put on the salon's site and profiles.
import { useSignal } from "@preact/signals";
import { api, ok } from "../../api/client";
import { FormError } from "../../components/ui";
import { t, type Key } from "../../i18n";
import { useLoad } from "../../lib/load";
import { salon } from "../../state";

function Step(props: { id: string; done: boolean; title: string; text: string; href?: string; action?: string }) {
  return (
    <li class="setup-step" data-step={props.id} data-done={props.done ? "yes" : "no"}>
      <span class={`badge ${props.done ? "lifecycle-active" : "lifecycle-at_risk"}`}>{props.done ? t("setup.done") : t("setup.todo")}</span>
      <div>
        <strong>{props.title}</strong>
        <p class="muted">{props.text}</p>
      </div>
      {props.href && (
        <a class="button secondary" href={props.href}>
          {props.action}
        </a>
      )}
    </li>
  );
}

/** ``imports``: the finished imports listed beside it; read again when one finishes, so the clients' step is done at once */
export function SetupCard({ imports }: { imports: number }) {
  const { value, problem } = useLoad(() => ok(api.GET("/v1/admin/setup")), [imports]);
  const copied = useSignal(false);
  const s = value.value;
  // the messengers' names are the main catalog's (the same in every language)
  const channelName = (c: string) => t((c === "telegram" || c === "whatsapp" ? `source.${c}` : `setup.channel.${c}`) as Key);
  return (
    <section class="card" aria-labelledby="setup-title" id="setup">
      <h2 id="setup-title">{t("setup.title")}</h2>
      <FormError text={problem.value} />
      {s && (
        <ol class="setup-steps plain">
          <Step
            id="profile"
            done={s.manager_phones > 0}
            title={t("setup.profile")}
            text={t("setup.profile.text", { name: salon.value?.name ?? "", phones: s.manager_phones, links: s.review_links })}
            href="/settings/salon"
            action={t("setup.open")}
          />
          <Step id="services" done={s.services > 0} title={t("setup.services")} text={t("setup.services.text", { count: s.services })} href="/settings/services" action={t("setup.open")} />
          <Step id="staff" done={s.staff_with_hours > 0} title={t("setup.staff")} text={t("setup.staff.text", { count: s.staff_with_hours })} href="/settings/staff" action={t("setup.open")} />
          <Step
            id="channels"
            done={s.channels.some((c) => c.connected)}
            title={t("setup.channels")}
            text={[
              t("setup.channels.on", { list: s.channels.filter((c) => c.connected).map((c) => channelName(c.channel)).join(", ") || "—" }),
              ...(s.channels.some((c) => !c.connected)
                ? [t("setup.channels.off", { list: s.channels.filter((c) => !c.connected).map((c) => channelName(c.channel)).join(", ") })]
                : []),
            ].join(" ")}
          />
          <Step id="clients" done={s.imports > 0} title={t("setup.clients")} text={t("setup.clients.text", { count: s.imports })} href="#import-file-title" action={t("setup.clients.go")} />
          <li class="setup-step" data-step="link">
            <span class="badge lifecycle-new">{t("setup.link.badge")}</span>
            <div>
              <strong>{t("setup.link")}</strong>
              <p class="muted">{t("setup.link.text")}</p>
              <p>
                <a id="booking-link" href={s.booking_link} target="_blank" rel="noopener">
                  {s.booking_link}
                </a>
              </p>
            </div>
            <button
              type="button"
              class="secondary"
              id="booking-link-copy"
              onClick={() => {
                void navigator.clipboard?.writeText(s.booking_link).then(() => (copied.value = true));
              }}
            >
              {copied.value ? t("setup.link.copied") : t("setup.link.copy")}
            </button>
          </li>
        </ol>
      )}
    </section>
  );
}
