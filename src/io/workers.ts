/**
 * The URL of a worker entry point, named by its path under src/ ("plugins/host-worker.ts"). In
 * the compiled binary every entry point keeps that path under the root of the virtual file system
 * (scripts/build.ts lists them), whichever bundle asks: the main one or another worker's, which
 * is why the URL is built from the root and not from this module's own place. From sources it is
 * a file under src/.
 */
export const workerUrl = (fromSrc: string): string => {
  const root = /^.*\/\$bunfs\/root\//.exec(import.meta.url)?.[0]
  return root !== undefined ? `${root}${fromSrc}` : new URL(`../${fromSrc}`, import.meta.url).href
}
