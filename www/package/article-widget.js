// The widget's entry point for publishers: defines <article-widget> and exports mount().
// The package holds two builds of the widget: one for its own API, and one that also reads
// any JSON API through a mapping (WordPress, JSON Feed, ...), larger by the mapping language
// and the safe-HTML converter. A page downloads a build when a widget first needs it, and
// compiles it once (streaming), however many widgets use it. Each element and each mount()
// counts its changes: a build that has loaded mounts only for the latest, with the settings
// as they are then.
const builds = new Map();

/** The build for a widget with (or without) a mapping, once compiled. */
function load(withMappings) {
  if (!builds.has(withMappings)) {
    const [bindings, wasm] = withMappings
      ? [import("./mappings/article_widget.js"), "./mappings/article_widget_bg.wasm"]
      : [import("./article_widget.js"), "./article_widget_bg.wasm"];
    builds.set(withMappings, bindings.then(async (build) => {
      await build.default({ module_or_path: new URL(wasm, import.meta.url) });
      // The proof-of-work solver, one copy for both builds, loaded only when a server asks
      // for proof of work and the reader comes to the form.
      build.setProofOfWorkSolver(new URL("./pow-worker/", import.meta.url).href);
      return build;
    }).catch((error) => {
      // Not kept: the next widget, or the next change of this one, downloads it again.
      builds.delete(withMappings);
      throw new Error(`article widget: ${new URL(wasm, import.meta.url)} could not be loaded: ${error.message ?? error}`);
    }));
  }
  return builds.get(withMappings);
}

function release(handle) {
  handle?.unmount();
  handle?.free();
}

/** Settings read from attributes; changing one remounts the widget with the new value. */
const SETTINGS = ["article", "backend", "lang", "comments", "timezone", "mapping", "article-url", "related-url", "comments-url", "captcha-url"];

class ArticleWidgetElement extends HTMLElement {
  #handle;
  // The last mount failed: its message, in the element, goes with the next.
  #failed = false;
  #changes = 0;

  static get observedAttributes() {
    return SETTINGS;
  }

  connectedCallback() {
    this.#remount();
  }

  disconnectedCallback() {
    this.#changes++;
    release(this.#handle);
    this.#handle = undefined;
  }

  attributeChangedCallback(name, before, after) {
    // Not yet in the page: its insertion mounts.
    if (before !== after && this.isConnected) this.#remount();
  }

  async #remount() {
    const change = ++this.#changes;
    release(this.#handle);
    this.#handle = undefined;
    let build;
    try {
      build = await load(this.hasAttribute("mapping"));
    } catch (error) {
      // Said in the console, naming the file; the next change tries again.
      if (change === this.#changes) console.error(error.message);
      return;
    }
    if (change !== this.#changes) return;
    if (this.#failed) this.replaceChildren();
    try {
      this.#handle = build.mountElement(this);
      this.#failed = false;
    } catch {
      // Said in the element and the console; the next change tries again.
      this.#failed = true;
    }
  }
}

if (!customElements.get("article-widget")) customElements.define("article-widget", ArticleWidgetElement);

/**
 * Mounts a widget in `element` with a configuration object, for single-page apps.
 * Resolves to a handle with `update(config)` and `unmount()`.
 */
export async function mount(element, config) {
  let handle, withMappings, changes = 0, unmounted = false;

  async function show(next) {
    const change = ++changes;
    const needsMappings = Boolean(next?.mapping);
    if (handle && needsMappings === withMappings) return handle.update(next);
    // A mapping set or removed needs the other build: the widget is mounted again with it.
    release(handle);
    handle = undefined;
    const build = await load(needsMappings);
    if (change !== changes) return;
    withMappings = needsMappings;
    handle = build.mount(element, next);
  }

  await show(config);
  return {
    update(next) {
      return unmounted ? Promise.resolve() : show(next);
    },
    unmount() {
      unmounted = true;
      changes++;
      release(handle);
      handle = undefined;
    },
    get requestsInFlight() {
      return handle ? handle.requestsInFlight() : 0;
    },
  };
}
