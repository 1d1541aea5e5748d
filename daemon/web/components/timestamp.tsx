/** @jsxImportSource hono/jsx */

/** A stored ISO time as "2025-03-14 09:26 UTC" (the daemon's times are UTC), with the exact value in `datetime`. */
export const Timestamp = ({ iso }: { iso: string }) => <time datetime={iso}>{`${iso.slice(0, 16).replace("T", " ")} UTC`}</time>;
