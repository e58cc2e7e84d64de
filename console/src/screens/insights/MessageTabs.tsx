// A campaign's text in each of the console's languages, one tab each (the ARIA tabs pattern: arrow
// keys move between tabs), with the placeholders offered as buttons that put them where the cursor is,
// and under each text its SMS encoding and billed parts as a client would get it (lib/sms.ts counts as
// the engine does).
import type { Signal } from "@preact/signals";
import { useRef } from "preact/hooks";
import { LANGUAGES, t, type Key, type Language } from "../../i18n";
import { insertAt, PLACEHOLDERS, smsOf, type Placeholder } from "./message";

/** A language's name in ``inLocale`` ("inglés"), capitalised where it stands alone (a tab's "Español"). */
export function languageWord(tag: Language, inLocale: string, capital = false): string {
  try {
    const name = new Intl.DisplayNames([inLocale], { type: "language" }).of(tag) ?? tag;
    return capital ? name.charAt(0).toLocaleUpperCase(inLocale) + name.slice(1) : name;
  } catch {
    return tag;
  }
}

export function MessageTabs(props: {
  texts: Signal<Record<Language, string>>; tab: Signal<Language>; errors: Partial<Record<Language, string>>;
  example: Partial<Record<Placeholder, string>>; names: string[]; inLocale: string;
}) {
  const areas = useRef<Partial<Record<Language, HTMLTextAreaElement | null>>>({});
  const tabs = useRef<Partial<Record<Language, HTMLButtonElement | null>>>({});
  const choose = (l: Language, focus = false) => {
    props.tab.value = l;
    if (focus) requestAnimationFrame(() => tabs.current[l]?.focus());
  };
  const onKey = (e: KeyboardEvent, l: Language) => {
    const i = LANGUAGES.indexOf(l);
    const next = e.key === "ArrowRight" ? LANGUAGES[(i + 1) % 3] : e.key === "ArrowLeft" ? LANGUAGES[(i + 2) % 3]
      : e.key === "Home" ? LANGUAGES[0] : e.key === "End" ? LANGUAGES[2] : null;
    if (next) {
      e.preventDefault();
      choose(next, true);
    }
  };
  const put = (l: Language, p: Placeholder) => {
    const area = areas.current[l];
    const text = props.texts.value[l];
    const at = insertAt(text, `{${p}}`, area?.selectionStart ?? text.length, area?.selectionEnd ?? text.length);
    props.texts.value = { ...props.texts.value, [l]: at.text };
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(at.cursor, at.cursor);
    });
  };
  return (
    <div class="message-tabs">
      <div role="tablist" aria-label={t("campaigns.messages")} class="tabs">
        {LANGUAGES.map((l) => {
          const empty = !props.texts.value[l].trim();
          return (
            <button type="button" role="tab" id={`tab-${l}`} aria-controls={`panel-${l}`} aria-selected={props.tab.value === l}
              tabIndex={props.tab.value === l ? 0 : -1} ref={(el) => void (tabs.current[l] = el)}
              class={`tab${props.errors[l] ? " invalid" : ""}`} onClick={() => choose(l)} onKeyDown={(e) => onKey(e, l)}>
              <span lang={l}>{languageWord(l, l, true)}</span>
              <span class="muted"> · {empty ? t("campaigns.tabEmpty") : t("campaigns.tabWritten")}</span>
            </button>
          );
        })}
      </div>
      {LANGUAGES.map((l) => {
        const text = props.texts.value[l];
        const { name, info, worst } = smsOf(text, props.example, props.names);
        const errorId = `text-${l}-error`;
        const hintId = `text-${l}-sms`;
        return (
          <div role="tabpanel" id={`panel-${l}`} aria-labelledby={`tab-${l}`} hidden={props.tab.value !== l} class={`field${props.errors[l] ? " invalid" : ""}`}>
            <label for={`text-${l}`}>{t("campaigns.text", { language: languageWord(l, props.inLocale) })}</label>
            <textarea id={`text-${l}`} name={`text-${l}`} rows={4} maxLength={1000} lang={l} ref={(el) => void (areas.current[l] = el)}
              aria-describedby={[hintId, props.errors[l] ? errorId : ""].filter(Boolean).join(" ")} aria-invalid={props.errors[l] ? true : undefined}
              value={text} onInput={(e) => (props.texts.value = { ...props.texts.value, [l]: e.currentTarget.value })} />
            {props.errors[l] && <p id={errorId} class="error">{props.errors[l]}</p>}
            <p id={hintId} class="hint sms-info" data-encoding={info.encoding} data-segments={info.segments}>
              {text.trim()
                ? t(info.encoding === "GSM-7" ? "campaigns.smsGsm" : "campaigns.smsUcs", {
                    name: name ?? t("campaigns.exampleClient"), units: info.units, segments: info.segments, chars: shownChars(info.nonGsm),
                  })
                : t("campaigns.textSkipped")}
            </p>
            {text.trim() && worst && (
              <p class="hint sms-worst">
                {t("campaigns.smsWorst", { name: worst.name, encoding: worst.info.encoding, segments: worst.info.segments })}
              </p>
            )}
            <div class="placeholders" role="group" aria-label={t("campaigns.placeholders")}>
              <span class="muted">{t("campaigns.placeholders")}:</span>
              {PLACEHOLDERS.map((p) => (
                <button type="button" class="chip" data-placeholder={p} title={t(`campaigns.ph.${p}` as Key)}
                  aria-label={t("campaigns.insert", { placeholder: `{${p}}`, meaning: t(`campaigns.ph.${p}` as Key) })} onClick={() => put(l, p)}>
                  {`{${p}}`}
                </button>
              ))}
            </div>
          </div>
        );
      })}
    </div>
  );
}

const shownChars = (chars: string[]) => chars.slice(0, 5).map((c) => `«${c === "\n" ? "↵" : c}»`).join(" ");
