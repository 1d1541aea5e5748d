/**
 * One segment of a function route that is a parameter in Hono's syntax, as the reference
 * recognizes it: `:name`, `:name?` (optional), `:name{regex}`. Groups: name, `?`, `{regex}`.
 */
export const ROUTE_PARAM = /^:([^?{]+)(\?)?(\{.+\})?$/;
