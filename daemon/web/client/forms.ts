/** A form or submit button with `data-confirm="Delete X?"` asks first (pages without JavaScript use a confirmation page). */
export function enableConfirmations(): void {
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target as HTMLFormElement;
      const question = (event as SubmitEvent).submitter?.dataset.confirm ?? form.dataset.confirm;
      if (question && !window.confirm(question)) event.preventDefault();
    },
    true,
  );
}

/** An input with `data-auto-submit` (the switches of <ToggleForm>) sends its form as soon as it changes. */
export function enableAutoSubmit(): void {
  document.addEventListener("change", (event) => {
    const input = (event.target as Element | null)?.closest<HTMLInputElement | HTMLSelectElement>("[data-auto-submit]");
    input?.form?.requestSubmit();
  });
}
