/** @jsxImportSource hono/jsx */
import type { Child, PropsWithChildren } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { WebEnv } from "../env.js";
import type { FormState } from "../forms.js";

/** The hidden `_csrf` field every state-changing form carries (the CSRF middleware checks it). */
export const CsrfField = () => <input type="hidden" name="_csrf" value={useRequestContext<WebEnv>().get("csrfToken")} />;

export interface FormProps {
  action: string;
  /** Its form-level error (a refusal that names no field) is shown above the fields. */
  form?: FormState;
  submitLabel: string;
  /** For file uploads. */
  multipart?: boolean;
  /** A link back, shown beside the submit button. */
  cancelHref?: string;
}

/** A POST form with its CSRF field, its form-level error and a submit button. */
export const Form = ({ action, form, submitLabel, multipart, cancelHref, children }: PropsWithChildren<FormProps>) => (
  <form method="post" action={action} enctype={multipart ? "multipart/form-data" : undefined}>
    <CsrfField />
    {form?.errors.form && (
      <p class="form-error" role="alert">
        {form.errors.form}
      </p>
    )}
    {children}
    <div class="form-actions">
      <button type="submit">{submitLabel}</button>
      {cancelHref && (
        // biome-ignore lint/a11y/useSemanticElements: Pico draws role=button links as buttons; it navigates, so it stays a link.
        <a href={cancelHref} role="button" class="secondary outline">
          Cancel
        </a>
      )}
    </div>
  </form>
);

interface FieldProps {
  form: FormState;
  name: string;
  label: string;
  /** Help shown under the field while it has no error. */
  hint?: Child;
  /** Defaults to `field-<name>`; set it when two forms on a page share a field name. */
  id?: string;
  required?: boolean;
}

const fieldId = (props: FieldProps) => props.id ?? `field-${props.name}`;

/** The error (or else the hint) under a field, referenced by the field's aria-describedby. */
function describe(props: FieldProps) {
  const id = fieldId(props);
  const error = props.form.error(props.name);
  const text = error ?? props.hint;
  return {
    attributes: { "aria-invalid": error ? "true" : undefined, "aria-describedby": text ? `${id}-help` : undefined },
    help: text ? (
      <small id={`${id}-help`} class={error ? "field-error" : undefined}>
        {text}
      </small>
    ) : null,
  };
}

export interface InputProps extends FieldProps {
  type?: "text" | "email" | "password" | "number" | "url" | "search";
  autocomplete?: string;
  placeholder?: string;
  inputmode?: "numeric" | "decimal" | "email" | "url";
  autofocus?: boolean;
  /** The id of a <datalist> of suggestions. */
  list?: string;
}

/** A labelled input keeping the submitted value; password inputs never send a value back. */
export const Input = (props: InputProps) => {
  const { attributes, help } = describe(props);
  const id = fieldId(props);
  const type = props.type ?? "text";
  return (
    <>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={type}
        value={type === "password" ? undefined : props.form.value(props.name)}
        required={props.required}
        autocomplete={props.autocomplete}
        placeholder={props.placeholder}
        inputmode={props.inputmode}
        autofocus={props.autofocus}
        list={props.list}
        {...attributes}
      />
      {help}
    </>
  );
};

export interface TextAreaProps extends FieldProps {
  rows?: number;
  /** Enhances it into a code editor on pages that load editor.js: a language, or "plain". */
  editor?: "typescript" | "javascript" | "tsx" | "jsx" | "plain";
}

export const TextArea = (props: TextAreaProps) => {
  const { attributes, help } = describe(props);
  const id = fieldId(props);
  return (
    <>
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 6}
        required={props.required}
        data-editor={props.editor}
        spellcheck={props.editor ? false : undefined}
        {...attributes}
      >
        {props.form.value(props.name)}
      </textarea>
      {help}
    </>
  );
};

export type Option = string | { value: string; label: string };
const optionOf = (option: Option) => (typeof option === "string" ? { value: option, label: option } : option);

export interface SelectProps extends FieldProps {
  options: readonly Option[];
}

export const Select = (props: SelectProps) => {
  const { attributes, help } = describe(props);
  const id = fieldId(props);
  const selected = props.form.value(props.name);
  return (
    <>
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} required={props.required} {...attributes}>
        {props.options.map(optionOf).map((option) => (
          <option key={option.value} value={option.value} selected={option.value === selected}>
            {option.label}
          </option>
        ))}
      </select>
      {help}
    </>
  );
};

export interface CheckboxGroupProps extends FieldProps {
  options: readonly Option[];
}

/** Several checkboxes of one name (submitted as a list); `label` is the legend. */
export const CheckboxGroup = (props: CheckboxGroupProps) => {
  const { attributes, help } = describe(props);
  const id = fieldId(props);
  const checked = new Set(props.form.list(props.name));
  return (
    <fieldset aria-describedby={attributes["aria-describedby"]} aria-invalid={attributes["aria-invalid"]}>
      <legend>{props.label}</legend>
      {props.options.map(optionOf).map((option, index) => (
        <label key={option.value} for={`${id}-${index}`}>
          <input id={`${id}-${index}`} type="checkbox" name={props.name} value={option.value} checked={checked.has(option.value)} />
          {option.label}
        </label>
      ))}
      {help}
    </fieldset>
  );
};

export interface CheckboxProps extends FieldProps {
  /** Drawn as a switch (an on/off setting rather than a choice). */
  switch?: boolean;
}

/** One checkbox, submitted as `on` when ticked (absent when not). */
export const Checkbox = (props: CheckboxProps) => {
  const { attributes, help } = describe(props);
  const id = fieldId(props);
  return (
    <>
      <label for={id}>
        <input
          id={id}
          type="checkbox"
          name={props.name}
          role={props.switch ? "switch" : undefined}
          checked={props.form.value(props.name) === "on"}
          {...attributes}
        />
        {props.label}
      </label>
      {help}
    </>
  );
};
