// A watch response is newline-delimited JSON (one event per line, chunks split anywhere). This yields
// each non-empty line; callers parse it, since what a bad line means differs (skip it or fail the watch).
export async function* watchLines(body: AsyncIterable<unknown>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body) {
    buf += decoder.decode(chunk as Uint8Array, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield line;
    }
  }
}
