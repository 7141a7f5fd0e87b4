// The floor the widget is measured against: the same article, related stories and comments
// as a server would send them in static HTML — the widget's markup, the same texts and
// images, its stylesheet as a plain file — written here from the API's own JSON, so both
// sides show exactly the same data.

const MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

/** The mark the widget sets once the article is in the DOM (src/platform.rs). */
export const ARTICLE_RENDERED = "article-widget:article-rendered";
/** The mark the widget sets each time the comments shown change (src/platform.rs). */
export const COMMENTS_RENDERED = "article-widget:comments-rendered";

const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

/** The parts of an RFC 3339 date-time in the offset it was written in, as the widget shows it. */
function parts(rfc3339) {
  const [, year, month, day, hour, minute] = rfc3339.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/).map(Number);
  return { year, month, day, hour, minute };
}
const date = (at) => { const p = parts(at); return `${p.day === 1 ? "1er" : p.day} ${MONTHS[p.month - 1]} ${p.year}`; };
const dateTime = (at) => { const p = parts(at); return `${date(at)} à ${p.hour} h ${String(p.minute).padStart(2, "0")}`; };
const time = (at, text) => `<time datetime="${escape(at)}">${escape(text)}</time>`;

function inlines(content) {
  if (typeof content === "string") return escape(content);
  return content.map((inline) => {
    if (typeof inline === "string") return escape(inline);
    const inner = inlines(inline.content);
    switch (inline.type) {
      case "emphasis": return `<em>${inner}</em>`;
      case "strong": return `<strong>${inner}</strong>`;
      case "link": return `<a href="${escape(inline.href)}">${inner}</a>`;
      default: throw new Error(`an inline the static page does not know: ${inline.type}`);
    }
  }).join("");
}

function picture(image, eager) {
  return `<img class="aw-image" src="${escape(image.src)}" alt="${escape(image.alt)}"`
    + (image.width ? ` width="${image.width}"` : "") + (image.height ? ` height="${image.height}"` : "")
    + ` loading="${eager ? "eager" : "lazy"}" decoding="async">`;
}

function figure(image, eager) {
  const caption = image.caption || image.credit
    ? `<figcaption class="aw-figure__caption">${image.caption ? `<span class="aw-figure__text">${escape(image.caption)}</span>` : ""}`
      + (image.credit ? `<span class="aw-figure__credit"><span class="aw-visually-hidden">Crédit\u00a0: </span>${escape(image.credit)}</span>` : "")
      + "</figcaption>"
    : "";
  return `<figure class="aw-figure">${picture(image, eager)}${caption}</figure>`;
}

function block(b) {
  switch (b.type) {
    case "paragraph": return `<p>${inlines(b.content)}</p>`;
    case "heading": return `<h${b.level} class="aw-subheading">${escape(b.text)}</h${b.level}>`;
    case "quote": return `<figure class="aw-quote"><blockquote><p>${inlines(b.content)}</p></blockquote>`
      + (b.attribution ? `<figcaption class="aw-quote__attribution">${escape(b.attribution)}</figcaption>` : "") + "</figure>";
    case "list": {
      const tag = b.ordered ? "ol" : "ul";
      return `<${tag} class="aw-list">${b.items.map((item) => `<li>${inlines(item)}</li>`).join("")}</${tag}>`;
    }
    case "image": return figure(b, false);
    default: throw new Error(`a block the static page does not know: ${b.type}`);
  }
}

/**
 * The article and its related stories. The inline mark after the first paragraph is the
 * static page's counterpart of the widget's: headline and first paragraph are in the DOM.
 */
function articleHtml(article, related) {
  const names = article.authors.map((a) => `<span class="aw-author">${escape(a.name)}</span>`);
  const byline = names.length > 1 ? `${names.slice(0, -1).join(", ")} et ${names.at(-1)}` : names.join("");
  const [first, ...rest] = article.body;
  return `<article class="aw-article" lang="${escape(article.lang)}"><header class="aw-article__header">`
    + (article.kicker ? `<p class="aw-kicker">${escape(article.kicker)}</p>` : "")
    + `<h1 class="aw-headline">${escape(article.headline)}</h1>`
    + (article.standfirst ? `<p class="aw-standfirst">${escape(article.standfirst)}</p>` : "")
    + `<div class="aw-meta">${names.length ? `<p class="aw-byline">Par ${byline}</p>` : ""}<p class="aw-dates">`
    + `<span class="aw-dates__published">Publié le ${time(article.published, dateTime(article.published))}</span>`
    + (article.updated ? `<span class="aw-dates__updated">Mis à jour le ${time(article.updated, dateTime(article.updated))}</span>` : "")
    + "</p></div></header>"
    + (article.hero ? figure(article.hero, true) : "")
    + `<div class="aw-body">${block(first)}<script>performance.mark(${JSON.stringify(ARTICLE_RENDERED)})</script>${rest.map(block).join("")}</div></article>`
    + (related.length === 0 ? "" : `<nav class="aw-related" aria-label="À lire aussi"><h2 class="aw-related__heading">À lire aussi</h2><ul class="aw-related__list">`
      + related.map((story) => `<li class="aw-related__item">${story.thumbnail ? picture(story.thumbnail, false) : ""}`
        + `<a class="aw-related__link" href="${escape(story.url)}">${escape(story.title)}</a>`
        + (story.published ? time(story.published, date(story.published)) : "") + "</li>").join("")
      + "</ul></nav>");
}

/** The article's body as HTML, as an API that sends HTML would send it. */
export const articleBodyHtml = (article) => article.body.map(block).join("");

/** A comment's text with line breaks and http(s) links, as the widget shows it. */
export function commentText(body) {
  return body.split("\n").map((line) => escape(line).replace(/https?:\/\/[^\s<]+[^\s<.,;:!?)]/g, (url) => `<a href="${url}" rel="nofollow ugc noopener">${url}</a>`)).join("<br>");
}

function commentHtml(comment, inReplyTo) {
  const author = comment.website
    ? `<a class="aw-comment__author" href="${escape(comment.website)}" rel="nofollow ugc noopener">${escape(comment.author)}</a>`
    : `<span class="aw-comment__author">${escape(comment.author)}</span>`;
  const shown = dateTime(comment.created);
  return `<article class="aw-comment" id="aw-comment-${escape(comment.id)}"><header class="aw-comment__header">${author}`
    + `<time class="aw-comment__date" datetime="${escape(comment.created)}" title="${escape(shown)}">${escape(shown)}</time>`
    + (inReplyTo ? `<span class="aw-comment__context">en réponse à ${escape(inReplyTo)}</span>` : "")
    + `</header><p class="aw-comment__body">${commentText(comment.body)}</p>`
    + `<button type="button" class="aw-link-button" aria-label="Répondre à ${escape(comment.author)}">Répondre</button></article>`;
}

/**
 * The comments nested as the widget nests them (core/src/thread.rs: three levels, deeper
 * replies at the third with the author they answer). `firstScreen` roots in, the static
 * page marks what the widget's first page holds.
 */
function threadHtml(comments, firstScreen) {
  const byId = new Map(comments.map((c) => [c.id, c]));
  const children = new Map();
  const roots = [];
  for (const comment of comments) {
    if (comment.parent && byId.has(comment.parent)) {
      if (!children.has(comment.parent)) children.set(comment.parent, []);
      children.get(comment.parent).push(comment);
    } else roots.push(comment);
  }
  const entry = (comment, inReplyTo) => ({ comment, inReplyTo, replies: [] });
  // `containing` is the list `placed` is in: past the third level, replies join it.
  const place = (placed, containing, depth) => {
    for (const reply of children.get(placed.comment.id) ?? []) {
      const nested = depth < 3;
      const child = entry(reply, nested ? null : placed.comment.author);
      const list = nested ? placed.replies : containing;
      list.push(child);
      place(child, list, nested ? depth + 1 : depth);
    }
  };
  const items = (entries) => entries.map((e) => `<li class="aw-thread__item">${commentHtml(e.comment, e.inReplyTo)}`
    + (e.replies.length ? `<ol class="aw-thread aw-thread--replies">${items(e.replies)}</ol>` : "") + "</li>").join("");
  const tops = roots.map((root) => { const top = entry(root, null); place(top, null, 0); return top; });
  const mark = `<script>performance.mark(${JSON.stringify(COMMENTS_RENDERED)})</script>`;
  return `<ol class="aw-thread">${items(tops.slice(0, firstScreen))}</ol>${mark}`
    + (tops.length > firstScreen ? `<ol class="aw-thread">${items(tops.slice(firstScreen))}</ol>${mark}` : "");
}

/**
 * A whole page: the article, its related stories and, when given, the comments of the
 * thread, every one of them (a static page has no "show more"), marked after the first
 * `firstScreen` top-level comments and at the end.
 */
export function staticPage({ article, related, thread, firstScreen, stylesheet }) {
  const comments = thread
    ? `<section class="aw-comments"><div class="aw-comments__header"><h2 class="aw-comments__heading">${thread.total} commentaires</h2></div>`
      + `${threadHtml(thread.comments, firstScreen)}</section>`
    : "";
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">`
    + `<title>${escape(article.headline)}</title><link rel="stylesheet" href="${stylesheet}"></head>`
    + `<body><div class="aw-host"><div class="aw-widget" lang="fr">${articleHtml(article, related)}${comments}</div></div></body></html>`;
}

/** The widget's stylesheet for a page without a shadow root: `:host` becomes the wrapper. */
export function staticStylesheet(widgetCss) {
  return widgetCss.replace(/:host\(([^)]*)\)/g, ".aw-host$1").replace(/:host/g, ".aw-host");
}
