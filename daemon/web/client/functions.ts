/**
 * /static/functions.js, on the function form and the logs page: the CORS fields follow the
 * OPTIONS box, the secrets preview follows the key groups, the handler field suggests files as
 * it is typed in, and the first page of logs grows as entries are written. Each page works
 * without it.
 */
import { enableFunctionForm } from "./function-form.js";
import { enableLiveLogs } from "./live-logs.js";

enableFunctionForm();
enableLiveLogs();
