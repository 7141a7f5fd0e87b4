// What the benchmarks serve: a content folder (the seed article, and copies of it that carry
// the long threads), comments written straight into the reference server's SQLite file, and
// a static folder with the npm package, the demo's images, the pages that embed the widget
// and their static-HTML counterparts, the seed article's page with the widget rendered by the
// server into it, and the one-answer API: a thread whose every comment comes in one JSON
// answer, read through a mapping.

import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { precompress } from "../scripts/precompress.mjs";
import { articleBodyHtml, commentText, staticPage, staticStylesheet } from "./static-page.mjs";

const root = new URL("../", import.meta.url).pathname;
export const SEED_ARTICLE = "nouvel-ordre-mondial";
/** Top-level comments per page the widget asks for (PAGE_SIZE in src/backend/native.rs). */
export const WIDGET_PAGE_SIZE = 20;

/**
 * The thread that comes in one answer: `size` comments, nested, as comment servers that do
 * not page send them, read by the widget through a mapping in its page.
 */
export const ONE_ANSWER = { article: "one-answer-5000", size: 5_000 };

/** The articles that carry generated threads, with their sizes. */
function threaded(threadSizes, oneAnswer) {
  return [...threadSizes.map((size) => [threadArticle(size), size]), ...(oneAnswer ? [[ONE_ANSWER.article, ONE_ANSWER.size]] : [])];
}

/**
 * Folders for one benchmark run, with the long threads of `threadSizes` and, when
 * `oneAnswer`, the one-answer thread; `content` must exist before the server starts.
 */
export function prepareFolders(threadSizes, oneAnswer) {
  const base = mkdtempSync(join(tmpdir(), "aw-bench-"));
  const content = join(base, "content");
  const site = join(base, "site");
  mkdirSync(join(content, SEED_ARTICLE), { recursive: true });
  mkdirSync(join(site, "widget"), { recursive: true });
  mkdirSync(join(site, "static"), { recursive: true });
  mkdirSync(join(site, "ssr"), { recursive: true });
  const articles = join(root, "www/demo-api/articles");
  const article = JSON.parse(readFileSync(join(articles, `${SEED_ARTICLE}.json`), "utf8"));
  const related = join(articles, SEED_ARTICLE, "related.json");
  // The threads hang under copies of the seed article, so each page is the same article.
  for (const id of [SEED_ARTICLE, ...threaded(threadSizes, oneAnswer).map(([id]) => id)]) {
    writeFileSync(join(content, `${id}.json`), JSON.stringify({ ...article, id }, null, 2));
    mkdirSync(join(content, id), { recursive: true });
    copyFileSync(related, join(content, id, "related.json"));
  }
  cpSync(join(root, "pkg"), join(site, "pkg"), { recursive: true });
  cpSync(join(root, "www/demo-api/media"), join(site, "demo-api/media"), { recursive: true });
  writeFileSync(join(site, "static/widget.css"), staticStylesheet(readFileSync(join(root, "www/widget.css"), "utf8")));
  return { content, site };
}

export const threadArticle = (size) => `thread-${size}`;

/** A small deterministic generator (mulberry32), so every run reads the same threads. */
function random(seed) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AUTHORS = ["Claire M.", "Jean-Baptiste Rousseau", "Amina", "Lectrice de Lyon", "Pierre D.", "Sophie Laurent",
  "Observateur", "Karim B.", "Élodie", "Marc-Antoine Girard", "Nadia", "Un abonné"];
const SENTENCES = [
  "Merci pour cet article très complet sur la rencontre d’Achgabat.",
  "Je ne suis pas certain que ce « nouvel ordre mondial » soit autre chose qu’un slogan.",
  "L’accord sur les drones date pourtant de bien avant 2022, si je me souviens bien.",
  "Il manque à mon avis le point de vue des pays d’Asie centrale, qui ont beaucoup à perdre.",
  "Le Turkménistan reste un hôte discret : sa neutralité est inscrite dans sa constitution.",
  "Voir aussi l’analyse publiée la semaine dernière, qui va dans le même sens.",
  "Les sanctions n’ont visiblement pas l’effet espéré sur ces échanges.",
  "D’accord avec vous sur le fond, beaucoup moins sur la conclusion.",
  "Quelle est la source du chiffre de 1,7 milliard de dollars ?",
  "On oublie souvent que le commerce entre ces deux pays reste modeste.",
];

/**
 * `size` comments on `article`, oldest first, a third of them replies to one of the thirty
 * comments before them (so that exchanges nest, sometimes past the third level), as SQL
 * for the reference server's schema (server/src/store/schema.rs). Ids start at `firstId`.
 */
function threadSql(article, size, firstId) {
  const next = random(size);
  const start = Date.parse("2024-10-11T15:00:00Z") / 1000;
  const quote = (text) => (text === null ? "NULL" : `'${String(text).replace(/'/g, "''")}'`);
  const rows = [];
  for (let index = 0; index < size; index++) {
    const id = firstId + index;
    const parent = index % 3 === 2 ? id - 1 - Math.floor(next() * Math.min(30, index)) : null;
    const author = AUTHORS[Math.floor(next() * AUTHORS.length)];
    const website = next() < 0.1 ? `https://blog.example.org/${index}` : null;
    const sentences = Array.from({ length: 1 + Math.floor(next() * 3) }, () => SENTENCES[Math.floor(next() * SENTENCES.length)]);
    const body = next() < 0.2 ? sentences.join("\n") : sentences.join(" ");
    rows.push(`(${id},${quote(article)},${parent ?? "NULL"},${quote(author)},'lecteur@example.org',${quote(website)},${quote(body)},${start + index * 30},'published')`);
  }
  return `INSERT INTO comments (id, article_id, parent_id, author, email, website, body, created, status) VALUES\n${rows.join(",\n")};\n`;
}

/** Writes the threads into the server's database, in one transaction. */
export function seedThreads(database, threadSizes, oneAnswer) {
  let firstId = 1_000_000;
  const statements = threaded(threadSizes, oneAnswer).map(([article, size]) => {
    const sql = threadSql(article, size, firstId);
    firstId += size;
    return sql;
  });
  execFileSync("sqlite3", [database], { input: `PRAGMA busy_timeout = 10000;\nBEGIN;\n${statements.join("")}COMMIT;\n` });
}

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

/** Every comment of an article, page after page, as the server gives them. */
async function wholeThread(api, article) {
  const comments = [];
  let cursor = null;
  let total = 0;
  do {
    const page = await getJson(`${api}/articles/${article}/comments?order=oldest&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    comments.push(...page.comments);
    total = page.total;
    cursor = page.next;
  } while (cursor);
  return { total, comments };
}

// The embed the package's README recommends: the module, its bindings, the wasm and the
// article all start downloading while the page is parsed, instead of one after the other.
// `build` is the package's folder of the build the element loads (`mappings/` for a widget
// with a mapping); `articleUrl` the article's answer to preload, if the page does not hold it;
// `widget` the element (`element` or `serverRendered`); `head` what else the page's head holds.
const widgetPage = ({ headline, build = "", articleUrl = null, widget, head = "" }) => `<!doctype html><html lang="fr"><head><meta charset="utf-8">`
  + `<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${headline.replace(/</g, "&lt;")}</title>`
  + `<link rel="modulepreload" href="/pkg/${build}article_widget.js">`
  + `<link rel="preload" href="/pkg/${build}article_widget_bg.wasm" as="fetch" type="application/wasm" crossorigin>`
  + (articleUrl ? `<link rel="preload" href="${articleUrl}" as="fetch" crossorigin>` : "")
  + `<script type="module" src="/pkg/article-widget.js"></script>${head}</head>`
  + `<body>${widget}</body></html>`;

/** The element a publisher writes, which the widget renders in the browser. */
const element = (attributes) => `<article-widget ${Object.entries(attributes).map(([name, value]) => `${name}="${value}"`).join(" ")}></article-widget>`;

/**
 * The element rendered by the reference server, with the same settings: the include of its
 * fragment, which the server fills in as it sends the page (server/src/ssi.rs), and which the
 * widget takes over. The server writes `backend` itself (its own API).
 */
const serverRendered = ({ backend, ...settings }) => `<!--#include virtual="/fragment?${new URLSearchParams(settings)}" -->`;

/** Where the one-answer API lies in the site, the base its mapping's URLs are joined to. */
const ONE_ANSWER_BASE = "/one-answer";

/**
 * The one-answer API's mapping, which its page holds: an article with an HTML body, and
 * every comment of the article in one answer shaped like Isso's (`GET /?uri=…`): the
 * top-level comments in `replies`, each with its own `replies`, its text as HTML and its
 * date in Unix seconds with a fraction. Isso nests one level; here replies nest as deep as
 * the exchanges go, as in APIs that nest without limit (docs/mapping.md, Strapi).
 */
const ONE_ANSWER_MAPPING = {
  article: {
    url: "/{id}/article.json",
    fields: {
      id: "/id", lang: "/lang", kicker: "/kicker", headline: "/headline", standfirst: "/standfirst",
      authors: { list: "/authors", name: "/name" }, published: "/published", updated: "/updated",
      hero: { src: "/hero/src", alt: "/hero/alt", caption: "/hero/caption", credit: "/hero/credit", width: "/hero/width", height: "/hero/height" },
      body: { at: "/html", html: true },
    },
  },
  comments: {
    url: "/{id}/comments.json",
    list: "/replies",
    replies: "/replies",
    fields: { id: "/id", author: "/author", website: "/website", body: { at: "/text", html: true }, created: "/created" },
    post: { url: "/new?uri={id}", body: { text: "{body}", author: "{name}", email: "{email}", website: "{website}", parent: "{parent:number}" } },
  },
};

/** A stable 12-digit hex hash of an id, as Isso sends one for each commenter. */
const hash = (id) => ((Number(id) * 2654435761) >>> 0).toString(16).padStart(8, "0") + "a1b2";

/** The thread's comments nested as an Isso-like answer: replies inside their parent. */
function oneAnswerComments(comments) {
  const items = new Map(comments.map((c) => [c.id, {
    id: Number(c.id), parent: c.parent === null ? null : Number(c.parent), text: `<p>${commentText(c.body)}</p>`,
    author: c.author, website: c.website, mode: 1, created: Date.parse(c.created) / 1000 + 0.254393, modified: null,
    likes: 0, dislikes: 0, hash: hash(c.id), total_replies: 0, hidden_replies: 0, replies: [],
  }]));
  const roots = [];
  for (const comment of comments) {
    const item = items.get(comment.id);
    const parent = comment.parent === null ? undefined : items.get(comment.parent);
    if (parent) {
      parent.replies.push(item);
      parent.total_replies += 1;
    } else roots.push(item);
  }
  return { id: null, total_replies: roots.length, hidden_replies: 0, replies: roots };
}

/** The one-answer API's files (the article and every comment) and the page of its widget. */
function writeOneAnswer(site, article, thread) {
  const { id, body, ...rest } = article;
  const folder = join(site, ONE_ANSWER_BASE, id);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "article.json"), JSON.stringify({ id, ...rest, html: articleBodyHtml(article) }));
  writeFileSync(join(folder, "comments.json"), JSON.stringify(oneAnswerComments(thread.comments)));
  const mapping = JSON.stringify(ONE_ANSWER_MAPPING).replace(/</g, "\\u003c");
  writeFileSync(join(site, "widget", `${id}.html`), widgetPage({
    headline: article.headline, build: "mappings/", articleUrl: `${ONE_ANSWER_BASE}/${id}/article.json`,
    head: `<script type="application/json" id="one-answer-mapping">${mapping}</script>`,
    widget: element({ article: id, backend: ONE_ANSWER_BASE, mapping: "#one-answer-mapping", lang: "fr", comments: "eager" }),
  }));
}

/** The one-answer thread's single answer, as the widget downloads it. */
export const oneAnswerUrl = (serverUrl) => `${serverUrl}${ONE_ANSWER_BASE}/${ONE_ANSWER.article}/comments.json`;

/**
 * Writes, from the running server's API, for the seed article and each thread: the page
 * that embeds the widget (`widget/{id}.html`; comments loaded lazily for the seed article,
 * as publishers embed it, eagerly for the threads) and the static page with the same content
 * (`static/{id}.html`); for the seed article, the page with the widget rendered by the server
 * (`ssr/{id}.html`, the same settings); with `oneAnswer`, the one-answer API and its pages
 * (its static page without related stories, which its mapping does not have); then the
 * brotli and gzip siblings of every file of the site (the server sends a page with an include
 * as it fills it in, uncompressed).
 */
export async function writePages(site, serverUrl, threadSizes, oneAnswer) {
  const api = `${serverUrl}/api`;
  for (const id of [SEED_ARTICLE, ...threaded(threadSizes, oneAnswer).map(([id]) => id)]) {
    const article = await getJson(`${api}/articles/${id}`);
    const thread = id === SEED_ARTICLE ? null : await wholeThread(api, id);
    let related = (await getJson(`${api}/articles/${id}/related`)).items;
    if (id === ONE_ANSWER.article) {
      writeOneAnswer(site, article, thread);
      related = [];
    } else {
      const settings = { article: id, backend: "/api", lang: "fr", comments: thread ? "eager" : "lazy" };
      writeFileSync(join(site, "widget", `${id}.html`), widgetPage({ headline: article.headline, articleUrl: `/api/articles/${id}`, widget: element(settings) }));
      if (id === SEED_ARTICLE) writeFileSync(join(site, "ssr", `${id}.html`), widgetPage({ headline: article.headline, widget: serverRendered(settings) }));
    }
    writeFileSync(join(site, "static", `${id}.html`),
      staticPage({ article, related, thread, firstScreen: WIDGET_PAGE_SIZE, stylesheet: "/static/widget.css" }));
  }
  // Both sides are sent compressed, as a CDN would send them.
  precompress(site);
}
