/** One server-sent event (comments and `retry:` lines are not events). */
export interface ServerSentEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * The events of a `text/event-stream` body, as they arrive (WHATWG HTML §9.2 parsing, minus
 * reconnection, which the caller owns). Ends when the body ends; a trailing partial event is dropped.
 */
export async function* readEvents(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let pending = "";
  let id: string | undefined;
  let event = "";
  let data: string[] = [];
  for await (const chunk of body) {
    pending += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    const lines = pending.split(/\r\n|\r|\n/);
    // The last piece may be a line still arriving (a lone trailing \r is rare enough to wait for).
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (line === "") {
        if (data.length > 0) yield { id, event: event || "message", data: data.join("\n") };
        event = "";
        data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") data.push(value);
      else if (field === "event") event = value;
      else if (field === "id" && !value.includes("\0")) id = value;
    }
  }
}
