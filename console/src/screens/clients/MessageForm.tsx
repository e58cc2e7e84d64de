// A message the salon writes to one client, from the client's card or from the retention lists: its
// purpose (an offer goes only with the client's consent) and its text. One Idempotency-Key a message,
// so that a second click or a retry after a lost answer sends it once; one skipped (no consent, no
// channel) is said so in words, and the form stays for another try.
import { useSignal } from "@preact/signals";
import { api, fieldErrors, ok } from "../../api/client";
import { Field, FormError } from "../../components/ui";
import { t } from "../../i18n";
import { useSend } from "../../lib/send";

type Purpose = "transactional" | "marketing";

export function MessageForm({ id, purpose: initial, onDone }: { id: string; purpose: Purpose; onDone: () => unknown }) {
  const text = useSignal("");
  const purpose = useSignal<Purpose>(initial);
  const error = useSignal("");
  const { send, renew, problem, busy } = useSend();
  async function save(ev: Event) {
    ev.preventDefault();
    if (!text.value.trim()) return void (error.value = t("common.required"));
    error.value = "";
    const sent = await send(
      (key) =>
        ok(
          api.POST("/v1/admin/clients/{client_id}/messages", {
            params: { path: { client_id: id }, header: { "idempotency-key": key } },
            body: { text: text.value.trim(), purpose: purpose.value },
          }),
        ),
      (err) => (error.value = fieldErrors(err).text ?? ""),
    );
    if (!sent) return;
    if (sent.status === "skipped") {
      problem.value = t("client.messageSkipped");
      renew();
      return;
    }
    await onDone();
  }
  return (
    <form onSubmit={save} noValidate id="message-form">
      <Field label={t("client.purpose")} hint={t("client.messageHint")}>
        {({ id: fid, describedBy }) => (
          <select id={fid} name="purpose" aria-describedby={describedBy} value={purpose.value} onChange={(e) => (purpose.value = e.currentTarget.value as Purpose)}>
            <option value="transactional">{t("purpose.transactional")}</option>
            <option value="marketing">{t("purpose.marketing")}</option>
          </select>
        )}
      </Field>
      <Field label={t("client.messageText")} error={error.value}>
        {({ id: fid, describedBy, invalid }) => (
          <textarea id={fid} name="text" rows={4} maxLength={1000} aria-describedby={describedBy} aria-invalid={invalid || undefined}
            value={text.value} onInput={(e) => (text.value = e.currentTarget.value)} />
        )}
      </Field>
      <FormError text={problem.value} />
      <div class="actions"><button type="submit" id="message-send" disabled={busy.value}>{t("client.message")}</button></div>
    </form>
  );
}
