// Form building blocks shared by every page: a labelled field with its errors wired for screen readers,
// a form-level error and a submit button that shows progress when JavaScript runs.
import { useNavigation } from "@remix-run/react";
import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";

export type FieldErrors = Record<string, string[] | undefined>;

export function Field({
  label,
  name,
  errors,
  hint,
  ...input
}: { label: ReactNode; name: string; errors?: FieldErrors; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = input.id ?? `field-${name}`;
  const messages = errors?.[name];
  const describedBy = [hint ? `${id}-hint` : null, messages?.length ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={messages?.length ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <FieldErrorList id={`${id}-error`} messages={messages} />
    </div>
  );
}

export function TextAreaField({
  label,
  name,
  errors,
  hint,
  ...textarea
}: { label: ReactNode; name: string; errors?: FieldErrors; hint?: ReactNode } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = textarea.id ?? `field-${name}`;
  const messages = errors?.[name];
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        name={name}
        aria-invalid={messages?.length ? true : undefined}
        aria-describedby={[hint ? `${id}-hint` : null, messages?.length ? `${id}-error` : null].filter(Boolean).join(" ") || undefined}
        {...textarea}
      />
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <FieldErrorList id={`${id}-error`} messages={messages} />
    </div>
  );
}

export function FieldErrorList({ id, messages }: { id: string; messages?: string[] }) {
  if (!messages?.length) return null;
  return (
    <ul className="field__errors" id={id}>
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

/** A message about the whole form (a declined card, an empty wallet), announced to screen readers. */
export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div className="form-error" role="alert">
      {message}
    </div>
  );
}

export function SubmitButton({ children, pendingLabel, name, value, className }: { children: ReactNode; pendingLabel?: ReactNode; name?: string; value?: string; className?: string }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && (!name || navigation.formData?.get(name) === value);
  return (
    <button type="submit" className={className ?? "button button--primary"} name={name} value={value} disabled={busy} aria-busy={busy || undefined}>
      {busy && pendingLabel ? pendingLabel : children}
    </button>
  );
}
