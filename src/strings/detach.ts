/**
 * A copy of `s` that does not share storage with the string it was sliced from.
 *
 * JavaScriptCore keeps a substring pointing into its parent, so a short slice stored in a
 * long-lived map (a cache key, a template) would keep a whole multi-megabyte input segment
 * alive. Anything kept across segments goes through here.
 */
export const detach = (s: string): string => JSON.parse(JSON.stringify(s)) as string
