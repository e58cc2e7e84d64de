// A client's name, phone, e-mail and birthday: the same fields when a client is added and edited.
import type { Signal } from "@preact/signals";
import { Field } from "../../components/ui";
import { t } from "../../i18n";

export interface Contact {
  name: string;
  phone: string;
  email: string;
  birthday: string;
}

export function ContactFields<T extends Contact>({ v, errors }: { v: Signal<T>; errors: Record<string, string> }) {
  const set = (k: keyof Contact) => (e: { currentTarget: HTMLInputElement }) => (v.value = { ...v.value, [k]: e.currentTarget.value });
  return (
    <>
      <div class="row">
        <Field label={t("book.name")} error={errors.name} input={{ name: "name", value: v.value.name, onInput: set("name") }} />
        <Field label={t("book.phone")} hint={t("book.phoneHint")} error={errors.phone} input={{ name: "phone", type: "tel", value: v.value.phone, onInput: set("phone") }} />
      </div>
      <div class="row">
        <Field label={t("client.email")} optional error={errors.email} input={{ name: "email", type: "email", value: v.value.email, onInput: set("email") }} />
        <Field label={t("client.birthday")} optional error={errors.birthday} input={{ name: "birthday", type: "date", value: v.value.birthday, onInput: set("birthday") }} />
      </div>
    </>
  );
}
