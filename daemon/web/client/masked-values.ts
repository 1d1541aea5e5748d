import { csrfFetch } from "./csrf-fetch.js";

/** Fetched values by reveal URL: Hide and Copy need no second request. */
const values = new Map<string, string>();

async function fetchValue(url: string): Promise<string> {
  const known = values.get(url);
  if (known !== undefined) return known;
  const response = await csrfFetch(url, { method: "POST" });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.value !== "string")
    throw new Error(typeof body.error === "string" ? body.error : `HTTP ${response.status}`);
  values.set(url, body.value);
  return body.value;
}

/** The clipboard API needs a secure context (https or localhost); elsewhere the older copy command still works. */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const buffer = document.createElement("textarea");
  buffer.value = text;
  buffer.className = "copy-buffer";
  document.body.append(buffer);
  buffer.select();
  const copied = document.execCommand("copy");
  buffer.remove();
  if (!copied) throw new Error("Copying is not allowed here");
}

/** Shows a result on the button for a moment, then its own label again. */
function announce(button: HTMLButtonElement, text: string, problem?: string): void {
  const label = button.dataset.label ?? button.textContent ?? "";
  button.dataset.label = label;
  button.textContent = text;
  button.title = problem ?? "";
  setTimeout(() => {
    button.textContent = label;
  }, 2000);
}

async function toggleReveal(button: HTMLButtonElement, url: string): Promise<void> {
  const code = button.closest(".masked-value")?.querySelector<HTMLElement>("code[data-masked]");
  if (!code) return;
  if (button.getAttribute("aria-pressed") === "true") {
    code.textContent = code.dataset.masked ?? "";
    button.textContent = "Reveal";
    button.setAttribute("aria-pressed", "false");
    return;
  }
  code.textContent = await fetchValue(url);
  button.textContent = "Hide";
  button.setAttribute("aria-pressed", "true");
}

/** Reveal/Hide and Copy buttons of <MaskedValue>: the value is fetched only when one is clicked. */
export function enableMaskedValues(): void {
  document.addEventListener("click", async (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>("button[data-reveal], button[data-copy]");
    if (!button) return;
    try {
      if (button.dataset.reveal) await toggleReveal(button, button.dataset.reveal);
      else if (button.dataset.copy) {
        await copyText(await fetchValue(button.dataset.copy));
        announce(button, "Copied");
      }
    } catch (error) {
      announce(button, "Failed", (error as Error).message);
    }
  });
}
