// The widget's entry point for publishers: defines <article-widget> and exports mount().
// The WebAssembly module is fetched and compiled once (streaming), however many widgets the
// page has; every widget waits for that one promise.
import init, { mount as mountWasm, mountElement } from "./article_widget.js";

const ready = init({ module_or_path: new URL("./article_widget_bg.wasm", import.meta.url) });

/** Settings read from attributes; changing one remounts the widget with the new value. */
const SETTINGS = ["article", "backend", "lang", "comments", "mapping", "article-url", "related-url", "comments-url", "captcha-url"];

class ArticleWidgetElement extends HTMLElement {
  static get observedAttributes() {
    return SETTINGS;
  }

  async connectedCallback() {
    await ready;
    // The element may have left the page, or been mounted, while the module loaded.
    if (this.isConnected && !this.handle) this.#mount();
  }

  disconnectedCallback() {
    this.#unmount();
  }

  attributeChangedCallback(name, before, after) {
    if (this.handle && before !== after) {
      this.#unmount();
      this.#mount();
    }
  }

  #mount() {
    try {
      this.handle = mountElement(this);
    } catch (error) {
      // The widget has already said what is wrong, in the element and in the console.
      this.handle = undefined;
    }
  }

  #unmount() {
    if (!this.handle) return;
    this.handle.unmount();
    this.handle.free();
    this.handle = undefined;
  }
}

if (!customElements.get("article-widget")) customElements.define("article-widget", ArticleWidgetElement);

/**
 * Mounts a widget in `element` with a configuration object, for single-page apps.
 * Resolves to a handle with `update(config)` and `unmount()`.
 */
export async function mount(element, config) {
  await ready;
  let handle = mountWasm(element, config);
  return {
    update: (next) => handle?.update(next),
    unmount: () => {
      handle?.unmount();
      handle?.free();
      handle = undefined;
    },
    get requestsInFlight() {
      return handle ? handle.requestsInFlight() : 0;
    },
  };
}

export { ready };
