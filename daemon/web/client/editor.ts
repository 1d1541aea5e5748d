/**
 * /static/editor.js: turns every `<textarea data-editor="typescript|javascript|tsx|jsx|plain">`
 * into a CodeMirror editor. The textarea stays in the form and gets the editor's text back when
 * the form is sent, so the page works the same without JavaScript.
 */
import { javascript } from "@codemirror/lang-javascript";
import { basicSetup, EditorView } from "codemirror";

function language(name: string | undefined) {
  if (name === "plain") return [];
  return javascript({ typescript: name !== "javascript" && name !== "jsx", jsx: name === "tsx" || name === "jsx" });
}

const theme = EditorView.theme({
  "&": { backgroundColor: "#fff", color: "#1f2328", fontSize: "14px", maxHeight: "70vh" },
  ".cm-scroller": { overflow: "auto" },
  ".cm-content, .cm-gutter": { minHeight: "16rem" },
});

function enhance(textarea: HTMLTextAreaElement): void {
  const host = document.createElement("div");
  host.className = "code-editor";
  const label = textarea.closest("label");
  // After the label, not inside it: a click in the editor must not go to the label's hidden textarea.
  (label ?? textarea).after(host);
  // CodeMirror styles itself with a <style> element, which the CSP refuses; inside a shadow
  // root it uses a constructed stylesheet, which the CSP allows.
  const root = host.attachShadow({ mode: "open" });
  const view = new EditorView({
    doc: textarea.value,
    extensions: [
      basicSetup,
      language(textarea.dataset.editor),
      theme,
      EditorView.contentAttributes.of({ "aria-label": textarea.labels[0]?.textContent?.trim() || textarea.name }),
    ],
    parent: root,
    root,
  });
  textarea.hidden = true;
  // Hidden, it cannot show a validation message; the server checks the content instead.
  textarea.required = false;
  const text = () => view.state.doc.toString();
  const form = textarea.form;
  // Capture: before any other submit handler reads the form.
  form?.addEventListener(
    "submit",
    () => {
      textarea.value = text();
    },
    true,
  );
  // Also for FormData built by a script, and form.submit(), which fires no submit event.
  form?.addEventListener("formdata", (event) => event.formData.set(textarea.name, text()));
  for (const element of textarea.labels) element.addEventListener("click", () => view.focus());
}

for (const textarea of document.querySelectorAll<HTMLTextAreaElement>("textarea[data-editor]")) enhance(textarea);
