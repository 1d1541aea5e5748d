/** How many files the handler field suggests while it is typed in. */
const SUGGESTIONS = "20";
/** Typing pauses this long before the file search is asked. */
const SUGGEST_DELAY_MS = 150;

/**
 * The CORS fields show while OPTIONS is ticked, or while they hold anything (a function saved
 * with CORS but without OPTIONS must not have its settings hidden, and so lost, unseen).
 */
function followOptionsBox(form: HTMLFormElement): void {
  const fieldset = form.querySelector<HTMLFieldSetElement>("[data-cors-settings]");
  const options = form.querySelector<HTMLInputElement>('input[name="methods"][value="OPTIONS"]');
  if (!fieldset || !options) return;
  const filled = () =>
    [...fieldset.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea")].some((field) =>
      field.type === "checkbox" ? (field as HTMLInputElement).checked : field.value.trim() !== "",
    );
  const update = () => {
    fieldset.hidden = !options.checked && !filled();
  };
  options.addEventListener("change", update);
  update();
}

/** The secrets preview lists a key group's secrets while that group is ticked. */
function followKeyGroups(form: HTMLFormElement): void {
  const entries = document.querySelectorAll<HTMLElement>("[data-secrets-group]");
  form.addEventListener("change", (event) => {
    if ((event.target as HTMLInputElement).name !== "keys") return;
    const ticked = new Set([...form.querySelectorAll<HTMLInputElement>('input[name="keys"]:checked')].map((box) => box.value));
    for (const entry of entries) entry.hidden = !ticked.has(entry.dataset.secretsGroup ?? "");
  });
}

/** The handler's <datalist> is refilled from the fuzzy file search (GET /api/files/search) as the field changes. */
function suggestHandlers(): void {
  const list = document.querySelector<HTMLDataListElement>("datalist[data-handler-suggestions]");
  const input = list && document.querySelector<HTMLInputElement>(`input[list="${list.id}"]`);
  if (!list || !input) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = "";
  const refill = async () => {
    const query = input.value.trim();
    if (query === "" || query === asked) return;
    asked = query;
    try {
      const response = await fetch(`${list.dataset.handlerSuggestions}?${new URLSearchParams({ q: query, limit: SUGGESTIONS })}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok || input.value.trim() !== query) return;
      const { matches } = (await response.json()) as { matches: { path: string }[] };
      list.replaceChildren(
        ...matches.map(({ path }) => {
          const option = document.createElement("option");
          option.value = path;
          return option;
        }),
      );
    } catch {
      // Suggestions are a convenience: the ones rendered with the page stay.
    }
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refill, SUGGEST_DELAY_MS);
  });
}

export function enableFunctionForm(): void {
  const form = document.querySelector<HTMLFormElement>("form:has([data-cors-settings])");
  if (!form) return;
  followOptionsBox(form);
  followKeyGroups(form);
  suggestHandlers();
}
