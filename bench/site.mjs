// What the benchmarks serve: a content folder (the seed article, and copies of it that carry
// the long threads), comments written straight into the reference server's SQLite file, and
// a static folder with the npm package, the demo's images, the pages that embed the widget
// and their static-HTML counterparts.

import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { precompress } from "../scripts/precompress.mjs";
import { staticPage, staticStylesheet } from "./static-page.mjs";

const root = new URL("../", import.meta.url).pathname;
export const SEED_ARTICLE = "nouvel-ordre-mondial";
/** Top-level comments per page the widget asks for (PAGE_SIZE in src/backend/native.rs). */
export const WIDGET_PAGE_SIZE = 20;

/** Folders for one benchmark run; `content` must exist before the server starts. */
export function prepareFolders(threadSizes) {
  const base = mkdtempSync(join(tmpdir(), "aw-bench-"));
  const content = join(base, "content");
  const site = join(base, "site");
  mkdirSync(join(content, SEED_ARTICLE), { recursive: true });
  mkdirSync(join(site, "widget"), { recursive: true });
  mkdirSync(join(site, "static"), { recursive: true });
  const articles = join(root, "www/demo-api/articles");
  const article = JSON.parse(readFileSync(join(articles, `${SEED_ARTICLE}.json`), "utf8"));
  const related = join(articles, SEED_ARTICLE, "related.json");
  // The threads hang under copies of the seed article, so each page is the same article.
  for (const id of [SEED_ARTICLE, ...threadSizes.map(threadArticle)]) {
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
 * for the reference server's schema (server/src/store.rs). Ids start at `firstId`.
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
export function seedThreads(database, threadSizes) {
  let firstId = 1_000_000;
  const statements = threadSizes.map((size) => {
    const sql = threadSql(threadArticle(size), size, firstId);
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
const widgetPage = (article, headline, comments) => `<!doctype html><html lang="fr"><head><meta charset="utf-8">`
  + `<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${headline.replace(/</g, "&lt;")}</title>`
  + `<link rel="modulepreload" href="/pkg/article_widget.js">`
  + `<link rel="preload" href="/pkg/article_widget_bg.wasm" as="fetch" type="application/wasm" crossorigin>`
  + `<link rel="preload" href="/api/articles/${article}" as="fetch" crossorigin>`
  + `<script type="module" src="/pkg/article-widget.js"></script></head>`
  + `<body><article-widget article="${article}" backend="/api" lang="fr" comments="${comments}"></article-widget></body></html>`;

/**
 * Writes, from the running server's API, for the seed article and each thread: the page
 * that embeds the widget (`widget/{id}.html`; comments loaded lazily for the seed article,
 * as publishers embed it, eagerly for the threads) and the static page with the same content
 * (`static/{id}.html`); then the brotli and gzip siblings of every file of the site.
 */
export async function writePages(site, serverUrl, threadSizes) {
  const api = `${serverUrl}/api`;
  for (const id of [SEED_ARTICLE, ...threadSizes.map(threadArticle)]) {
    const article = await getJson(`${api}/articles/${id}`);
    const related = (await getJson(`${api}/articles/${id}/related`)).items;
    const thread = id === SEED_ARTICLE ? null : await wholeThread(api, id);
    writeFileSync(join(site, "widget", `${id}.html`), widgetPage(id, article.headline, thread ? "eager" : "lazy"));
    writeFileSync(join(site, "static", `${id}.html`),
      staticPage({ article, related, thread, firstScreen: WIDGET_PAGE_SIZE, stylesheet: "/static/widget.css" }));
  }
  // Both sides are sent compressed, as a CDN would send them.
  precompress(site);
}
