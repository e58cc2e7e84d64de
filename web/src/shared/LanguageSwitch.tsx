// The visible language switch (EN · RU · ES) and the hook that redraws a component when it is used.
import { useEffect, useState } from "preact/hooks";
import { LANGUAGES, LANGUAGE_NAMES, language, onLanguage, setLanguage, t } from "./i18n";

export function useLanguage(): string {
  const [, redraw] = useState(0);
  useEffect(() => onLanguage(() => redraw((n) => n + 1)), []);
  return language();
}

export function LanguageSwitch() {
  const current = useLanguage();
  return (
    <div class="languages" role="group" aria-label={t("common.language")}>
      {LANGUAGES.map((lang) => (
        <button type="button" key={lang} lang={lang} class="lang" aria-pressed={lang === current}
          onClick={() => setLanguage(lang)}>
          {lang.toUpperCase()}<span class="visually-hidden"> {LANGUAGE_NAMES[lang]}</span>
        </button>
      ))}
    </div>
  );
}
