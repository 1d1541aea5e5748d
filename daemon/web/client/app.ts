/**
 * /static/app.js, on every page: progressive enhancements only; every page works without it.
 * Page scripts that call the UI's endpoints import csrfFetch from ./csrf-fetch.js.
 */
import { enableAutoSubmit, enableConfirmations } from "./forms.js";
import { enableMaskedValues } from "./masked-values.js";

enableMaskedValues();
enableConfirmations();
enableAutoSubmit();
