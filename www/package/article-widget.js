// The widget's entry point for publishers: defines <article-widget> and exports mount().
// The package holds two builds of the widget: one for its own API, and one that also reads
// any JSON API through a mapping (WordPress, JSON Feed, ...), larger by the mapping language
// and the safe-HTML converter. A page downloads a build when a widget first needs it, and
// compiles it once (streaming), however many widgets use it.
const builds = new Map();

/** The build for a widget with (or without) a mapping, once compiled. */
function load(withMappings) {
  if (!builds.has(withMappings)) {
    const [bindings, wasm] = withMappings
      ? [import("./mappings/article_widget.js"), "./mappings/article_widget_bg.wasm"]
      : [import("./article_widget.js"), "./article_widget_bg.wasm"];
    builds.set(withMappings, bindings.then(async (build) => {
      await build.default({ module_or_path: new URL(wasm, import.meta.url) });
      return build;
    }));
  }
  return builds.get(withMappings);
}

/** Settings read from attributes; changing one remounts the widget with the new value. */
const SETTINGS = ["article", "backend", "lang", "comments", "timezone", "mapping", "article-url", "related-url", "comments-url", "captcha-url"];

class ArticleWidgetElement extends HTMLElement {
  static get observedAttributes() {
    return SETTINGS;
  }

  async connectedCallback() {
    this.build = await load(this.hasAttribute("mapping"));
    // The element may have left the page, or been mounted, while the module loaded.
    if (this.isConnected && !this.handle) this.#mount();
  }

  disconnectedCallback() {
    this.#unmount();
  }

  async attributeChangedCallback(name, before, after) {
    if (this.handle && before !== after) {
      this.#unmount();
      // Setting a mapping may need the other build.
      this.build = await load(this.hasAttribute("mapping"));
      if (this.isConnected && !this.handle) this.#mount();
    }
  }

  #mount() {
    try {
      this.handle = this.build.mountElement(this);
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
  let withMappings = Boolean(config?.mapping);
  let handle = (await load(withMappings)).mount(element, config);
  const release = () => {
    handle?.unmount();
    handle?.free();
    handle = undefined;
  };
  return {
    async update(next) {
      if (Boolean(next?.mapping) === withMappings) return handle?.update(next);
      // A mapping set or removed needs the other build: the widget is mounted again with it.
      release();
      withMappings = !withMappings;
      handle = (await load(withMappings)).mount(element, next);
    },
    unmount: release,
    get requestsInFlight() {
      return handle ? handle.requestsInFlight() : 0;
    },
  };
}
