/** Settings of a widget; every URL may be absolute or relative to the page. */
export interface WidgetConfig {
  /** The article's id, put in the URL templates' `{id}`. Required. */
  article: string;
  /** Base URL of a backend speaking the widget's native API. Default: "/api". */
  backend?: string;
  /** "fr" or "en"; default: the page's <html lang>, then the browser's languages. */
  lang?: string;
  /** When comments load: "lazy" (near the viewport, the default) or "eager". */
  comments?: "lazy" | "eager";
  /** Where dates are shown when the backend does not give the site's offset: an IANA zone
   * ("Europe/Paris"), "UTC" or an offset ("+02:00"); default: the reader's own zone. */
  timezone?: string;
  /** Another JSON API: "wordpress", "jsonfeed", "#id" of a page element holding a mapping,
   * or the mapping itself (docs/mapping.md); `backend` is then the root of its URLs.
   * Widgets with a mapping use the package's larger build, loaded when first needed. */
  mapping?: string | object;
  /** URL templates of the native API ({backend}, {id}); null switches a section off.
   * Not with a mapping, which has its own URLs. */
  endpoints?: {
    article?: string;
    related?: string | null;
    comments?: string | null;
    /** null: the widget makes its own captcha question and checks it in the browser. */
    captcha?: string | null;
  };
}

export interface WidgetHandle {
  /** Shows another configuration in the same element; nothing of the previous one remains.
   * A configuration that needs the other build (a mapping set or removed) waits for it to
   * load, and the last call wins: an update or an unmount made meanwhile supersedes it. */
  update(config: WidgetConfig): Promise<void>;
  /** Removes the widget and aborts its requests still on their way; an update still waiting
   * for a build then shows nothing, and later updates do nothing. */
  unmount(): void;
  /** Requests of this widget still on their way. */
  readonly requestsInFlight: number;
}

/** Mounts a widget in `element`. Rejects (and shows the reason) on a bad configuration. */
export function mount(element: HTMLElement, config: WidgetConfig): Promise<WidgetHandle>;

export interface CommentPostedDetail {
  id: string;
  /** True when the comment awaits moderation. */
  pending: boolean;
}

declare global {
  interface HTMLElementTagNameMap {
    "article-widget": HTMLElement;
  }
  interface HTMLElementEventMap {
    "article-widget:ready": CustomEvent<null>;
    "article-widget:comment-posted": CustomEvent<CommentPostedDetail>;
  }
}
