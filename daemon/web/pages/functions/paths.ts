/** The pages of one function: `/web/functions/<page>/<id>` (secrets: the secrets pages' own group). */
export type FunctionPage = "edit" | "delete" | "toggle" | "logs" | "metrics" | "secrets";

export const functionPath = (page: FunctionPage, id: string) => `/web/functions/${page}/${encodeURIComponent(id)}`;
