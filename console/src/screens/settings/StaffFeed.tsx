// A staff member's calendar feed: a secret URL their phone's calendar subscribes to (their visits, the
// client's first name and the service, never a phone). Only the owner and managers make, rotate and
// revoke it; the URL is shown once, when it is made (only its hash is kept), with a button to copy it.
import { useSignal } from "@preact/signals";
import { api, ok, type Staff } from "../../api/client";
import { Dialog, FormError } from "../../components/ui";
import { useLoad } from "../../lib/load";
import { useSend } from "../../lib/send";
import { date, t } from "../../i18n";
import { say } from "../../state";

const feedUrl = (path: string) => new URL(path, window.REGULARS_CONFIG?.api || window.location.origin).href;

export function FeedButton({ member }: { member: Staff }) {
  const open = useSignal(false);
  return (
    <>
      <button type="button" class="secondary feed" aria-label={t("settings.feed.open", { name: member.name })} onClick={() => (open.value = true)}>
        {t("settings.feed.button")}
      </button>
      <Dialog title={t("settings.feed.title", { name: member.name })} open={open.value} onClose={() => (open.value = false)}>
        {open.value && <FeedPanel member={member} />}
      </Dialog>
    </>
  );
}

function FeedPanel({ member }: { member: Staff }) {
  const path = { params: { path: { staff_id: member.id } } };
  const { value: state, problem: loadProblem, reload } = useLoad(() => ok(api.GET("/v1/admin/staff/{staff_id}/calendar-feed", path)));
  const url = useSignal("");
  const copied = useSignal(false);
  const { send, renew, problem, busy } = useSend();

  async function make() {
    const made = await send((key) => ok(api.POST("/v1/admin/staff/{staff_id}/calendar-feed", { ...path, headers: { "Idempotency-Key": key } })));
    if (!made) return;
    renew();
    url.value = made.path ? feedUrl(made.path) : "";
    copied.value = false;
    say(t("settings.feed.made", { name: member.name }));
    await reload();
  }

  async function revoke() {
    if (!window.confirm(t("settings.feed.revokeAsk", { name: member.name }))) return;
    const done = await send(() => ok(api.DELETE("/v1/admin/staff/{staff_id}/calendar-feed", path)).then(() => true));
    if (!done) return;
    url.value = "";
    say(t("settings.feed.revoked", { name: member.name }));
    await reload();
  }

  const active = state.value?.active ?? false;
  return (
    <div class="feed-panel" id="feed-panel">
      <p class="muted">{t("settings.feed.lead")}</p>
      <FormError text={loadProblem.value || problem.value} />
      {state.value === null && !loadProblem.value && <p class="loading">{t("common.loading")}</p>}
      {state.value && (
        <p id="feed-state" role="status">
          {active
            ? t("settings.feed.active", { date: state.value.created_at ? date(state.value.created_at) : "", by: (state.value.created_by ?? "").replace(/^admin:/, "") })
            : t("settings.feed.none")}
        </p>
      )}
      {url.value && (
        <div class="field">
          <label for="feed-url">{t("settings.feed.url")}</label>
          <input id="feed-url" readOnly value={url.value} onFocus={(e) => e.currentTarget.select()} />
          <p class="muted">{t("settings.feed.once")}</p>
          <button type="button" id="feed-copy" onClick={() => void navigator.clipboard?.writeText(url.value).then(() => (copied.value = true))}>
            {copied.value ? t("settings.feed.copied") : t("settings.feed.copy")}
          </button>
        </div>
      )}
      {state.value && (
        <div class="actions">
          <button type="button" id="feed-make" disabled={busy.value} onClick={make}>
            {active ? t("settings.feed.rotate") : t("settings.feed.make")}
          </button>
          {active && (
            <button type="button" id="feed-revoke" class="danger" disabled={busy.value} onClick={revoke}>
              {t("settings.feed.revoke")}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
