// The console's small accessible parts: a field with its label, hint and error in words beside it; a
// modal dialog on the native <dialog> (focus kept inside, Escape closes); a side drawer (full screen on
// a phone); the live notice; a status badge.
import type { ComponentChildren, InputHTMLAttributes } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import { language, t, type Key } from "../i18n";
import { notice } from "../state";

type InputProps = InputHTMLAttributes<HTMLInputElement> & { type?: string };

export function Field(props: {
  label: string;
  error?: string;
  hint?: string;
  describedBy?: string; // the id of a hint outside the field (one under several fields)
  children?: (ids: { id: string; describedBy?: string; invalid: boolean }) => ComponentChildren;
  input?: InputProps;
  optional?: boolean;
}) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, props.describedBy, errorId].filter(Boolean).join(" ") || undefined;
  const invalid = Boolean(props.error);
  return (
    <div class={`field${invalid ? " invalid" : ""}`}>
      <label for={id}>
        {props.label}
        {props.optional && <span class="muted"> ({t("common.optional")})</span>}
      </label>
      {props.children ? (
        props.children({ id, describedBy, invalid })
      ) : (
        <input id={id} aria-describedby={describedBy} aria-invalid={invalid || undefined} {...props.input} />
      )}
      {props.hint && (
        <p id={hintId} class="hint">
          {props.hint}
        </p>
      )}
      {props.error && (
        <p id={errorId} class="error">
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Dialog(props: { title: string; open: boolean; onClose: () => void; children: ComponentChildren; wide?: boolean; drawer?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      class={props.drawer ? "drawer" : props.wide ? "wide" : ""}
      aria-labelledby={titleId}
      onClose={props.onClose}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      {props.open && (
        <div class="dialog-body">
          <header class="dialog-head">
            <h2 id={titleId}>{props.title}</h2>
            <button type="button" class="icon" aria-label={t("common.close")} onClick={props.onClose}>
              ×
            </button>
          </header>
          {props.children}
        </div>
      )}
    </dialog>
  );
}

export function Notice() {
  const n = notice.value;
  // said, then gone: a confirmation after 6 seconds, a refusal after 12 (it is also in the history of
  // the live region for assistive technology)
  useEffect(() => {
    if (!n?.text) return;
    const timer = setTimeout(() => {
      if (notice.value?.seq === n.seq) notice.value = { ...n, text: "" };
    }, n.tone === "error" ? 12000 : 6000);
    return () => clearTimeout(timer);
  }, [n?.seq]);
  return (
    <div class={`notice ${n?.tone ?? ""}`} role="status" aria-live="polite" data-seq={n?.seq ?? 0}>
      {n?.lang === language.value ? n.text : ""}
    </div>
  );
}

export function Status({ value }: { value: string }) {
  const key = `status.${value}` as Key;
  return <span class={`badge status-${value}`}>{t(key)}</span>;
}

export function FormError({ text }: { text?: string }) {
  return text ? (
    <p class="error form-error" role="alert">
      {text}
    </p>
  ) : null;
}

/** A wide table on a narrow screen: it scrolls sideways inside its card, and the keyboard can scroll it. */
export function Scroll({ label, labelledBy, children }: { label?: string; labelledBy?: string; children: ComponentChildren }) {
  return (
    <div class="scroll" tabIndex={0} role="region" aria-label={label} aria-labelledby={labelledBy}>
      {children}
    </div>
  );
}
