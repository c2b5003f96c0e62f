import type { Strategy } from "../../sdk/stage.ts"

/** What each strategy keeps of a page. */
export interface HtmlPolicy {
  /**
   * Drop navigation, headers and footers outside the content, asides, forms, cookie banners and
   * hidden elements, and keep only `<main>` / `<article>` when the page has them.
   */
  readonly dropBoilerplate: boolean
  /** Keep the URL of links within the site (relative ones); absolute URLs always stay. */
  readonly relativeLinkUrls: boolean
  /** Keep images' alt text. */
  readonly imageAlts: boolean
}

export const HTML_POLICIES: Record<Strategy, HtmlPolicy> = {
  // Menus and footer links stay too: only scripts, styles, graphics and comments go.
  conservative: { dropBoilerplate: false, relativeLinkUrls: true, imageAlts: true },
  balanced: { dropBoilerplate: true, relativeLinkUrls: true, imageAlts: true },
  aggressive: { dropBoilerplate: true, relativeLinkUrls: false, imageAlts: false },
}
