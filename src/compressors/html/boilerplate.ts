/**
 * Which elements are not content: the ones that never are (scripts, styles, graphics, the head),
 * and the page furniture around the content (navigation, banners, sidebars, forms), recognised
 * by element, ARIA role, or class and id words.
 */
import type { Attributes } from "./tokenize.ts"

/** Why something was dropped, for the summary. */
export type DropReason = "scripts" | "styles" | "graphics" | "metadata" | "navigation" | "comments"

const NEVER_CONTENT: Readonly<Record<string, DropReason>> = {
  script: "scripts",
  noscript: "scripts",
  template: "scripts",
  style: "styles",
  svg: "graphics",
  math: "graphics",
  canvas: "graphics",
  iframe: "graphics",
  object: "graphics",
  video: "graphics",
  audio: "graphics",
  map: "graphics",
  head: "metadata",
  noembed: "metadata",
  noframes: "metadata",
}

/** Page furniture by element; header and footer only outside the content (an article has its own). */
const FURNITURE = new Set(["nav", "aside", "form", "dialog", "button", "select", "datalist", "menu"])
const CONTENT_FURNITURE = new Set(["header", "footer"])
const FURNITURE_ROLES = new Set(["navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog", "alertdialog", "toolbar"])
// A class or id word (split at "-" and "_") that names furniture, as its first or last word.
const FURNITURE_WORD =
  /^(?:nav|navbar|navigation|menu|menubar|sidebar|breadcrumbs?|footer|cookies?|consent|gdpr|advert|advertisement|ads|social|share|sharing|skip|popup|modal|newsletter|subscribe|promo|toolbar)$/
// "has-sidebar", "no-menu": words that describe the element's layout, not what it is.
const DESCRIBES_LAYOUT = /^(?:has|with|without|no|is|show|hide|toggle)[-_]/

/** Elements whose contents are the page's content: when present, the rest is furniture. */
export const isContentRoot = (name: string, attrs: Attributes): boolean =>
  name === "main" || name === "article" || attrs.role === "main"

export const neverContent = (name: string): DropReason | undefined => NEVER_CONTENT[name]

/** True when the element is page furniture; `inContent` is true inside main or an article. */
export const isFurniture = (name: string, attrs: Attributes, inContent: boolean): boolean => {
  if (isContentRoot(name, attrs) || name === "body" || name === "html") return false
  if (FURNITURE.has(name) || (!inContent && CONTENT_FURNITURE.has(name))) return true
  // "Copy link", "Show more": controls, not links.
  if (name === "a" && /^\s*javascript:/i.test(attrs.href ?? "")) return true
  if (attrs.role !== undefined && FURNITURE_ROLES.has(attrs.role.toLowerCase())) return true
  if (attrs["aria-hidden"] === "true" || "hidden" in attrs) return true
  if (attrs.style !== undefined && /display\s*:\s*none/i.test(attrs.style)) return true
  return namesFurniture(attrs.class) || namesFurniture(attrs.id)
}

const namesFurniture = (value: string | undefined): boolean => {
  if (value === undefined || value.length === 0) return false
  for (const token of value.toLowerCase().split(/\s+/)) {
    if (token.length === 0 || DESCRIBES_LAYOUT.test(token)) continue
    const words = token.split(/[-_]+/)
    if (FURNITURE_WORD.test(words[0]!) || FURNITURE_WORD.test(words.at(-1)!)) return true
  }
  return false
}
