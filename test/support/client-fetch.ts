/**
 * A `fetch` for the official SDKs (their `fetch` option) that keeps the exact bytes each request
 * sent, so a test can compare what the client sent with what the upstream received.
 */

export interface SentRequest {
  readonly url: string
  readonly body: string
}

export const recordingFetch = () => {
  const sent: Array<SentRequest> = []
  const fetchAndRecord = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body = init?.body
    const text =
      body === undefined || body === null
        ? ""
        : typeof body === "string"
          ? body
          : body instanceof Uint8Array || body instanceof ArrayBuffer
            ? new TextDecoder().decode(body)
            : await new Response(body).text()
    sent.push({ url: String(input instanceof Request ? input.url : input), body: text })
    return fetch(input, { ...init, ...(body === undefined || body === null ? {} : { body: text }) })
  }
  return {
    fetch: fetchAndRecord as typeof fetch,
    sent,
    last: (): SentRequest => {
      const last = sent.at(-1)
      if (last === undefined) throw new Error("the client sent nothing")
      return last
    },
  }
}
