// Records the test site's answers to the requests the widget makes, with the built-in
// WordPress mapping's URL templates and comment body (core/mappings/wordpress.json), into
// core/tests/fixtures/wordpress-real/: each body as WordPress sent it, indented (whitespace
// between tokens only: strings, escapes and numbers are byte for byte WordPress's), and
// requests.json, which says for each file the request, the status and every header.
// Run by `scripts/wordpress.sh record` on a site made anew.
//
//   node scripts/wordpress/record.mjs SITE_URL FOLDER
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";

const [site, folder] = process.argv.slice(2);
const mapping = JSON.parse(readFileSync(new URL("../../core/mappings/wordpress.json", import.meta.url)));
// A page on another origin, as a publisher's: WordPress answers with its CORS headers.
const ORIGIN = "http://127.0.0.1:8080";

/** The widget's percent-encoding of a template's value (core/src/url.rs, `percent_encode`). */
const percentEncode = (value) =>
  [...new TextEncoder().encode(String(value))]
    .map((byte) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : "%" + byte.toString(16).toUpperCase().padStart(2, "0")))
    .join("");

/** A URL template filled as the widget fills it: every placeholder must have its value. */
function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => {
    assert.ok(name in values, `a value for {${name}} in ${template}`);
    return percentEncode(values[name]);
  });
}

/**
 * Sends one request from `from`, a loopback address of its own: WordPress refuses a second
 * comment from one address within 15 seconds (`comment_flood`), so each post that is not
 * about that comes from another address rather than waiting.
 */
function send(method, path, body, from = "127.0.0.1") {
  return new Promise((resolve, reject) => {
    const headers = { Origin: ORIGIN, ...(body === undefined ? {} : { "Content-Type": "application/json" }) };
    const outgoing = request(site + path, { method, headers, localAddress: from }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => {
        const pairs = [];
        for (let i = 0; i < response.rawHeaders.length; i += 2) pairs.push([response.rawHeaders[i], response.rawHeaders[i + 1]]);
        resolve({ status: response.statusCode, headers: pairs, text: Buffer.concat(chunks).toString("utf8") });
      });
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/** Whitespace between tokens taken out (what a JSON text means, written as WordPress writes it). */
function minified(text) {
  return text.replace(/"(?:[^"\\]|\\.)*"|\s+/g, (token) => (token.startsWith('"') ? token : ""));
}

/** JSON text indented by two spaces, its tokens untouched. */
function indented(text) {
  const tokens = minified(text).match(/"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^{}[\]:,"]+/g);
  let out = "";
  let depth = 0;
  const newline = () => "\n" + "  ".repeat(depth);
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    if ((token === "{" && next === "}") || (token === "[" && next === "]")) out += token;
    else if (token === "{" || token === "[") { depth++; out += token + newline(); }
    else if ((token === "}" || token === "]") && !["{", "["].includes(tokens[i - 1])) { depth--; out += newline() + token; }
    else if (token === ",") out += "," + newline();
    else if (token === ":") out += ": ";
    else out += token;
  });
  assert.equal(minified(out), minified(text), "indenting changes no token");
  assert.deepEqual(JSON.parse(out), JSON.parse(text));
  return out + "\n";
}

const recorded = [];
/** Sends a request and keeps its answer as FILE; returns the answer, parsed. */
async function record(file, method, path, body, from) {
  const sentBody = body === undefined ? undefined : JSON.stringify(body);
  const answer = await send(method, path, sentBody, from);
  writeFileSync(join(folder, file), indented(answer.text));
  recorded.push({ file, request: { method, url: path, origin: ORIGIN, ...(sentBody === undefined ? {} : { body: sentBody }) },
    status: answer.status, headers: answer.headers });
  return JSON.parse(answer.text);
}

mkdirSync(folder, { recursive: true });
for (const name of readdirSync(folder)) if (name.endsWith(".json")) rmSync(join(folder, name));

const [bySlug, byId] = mapping.article.url;
/** What a post provides to the related posts' template (both posts here have tags). */
const provides = (post) => ({ id: String(post.id), categories: post.categories.join(","), tags: post.tags.join(",") });
const ARTICLE = { id: "4127", slug: "nouvel-ordre-mondial" };
const WINTER = { id: "4100" };

// The site's settings, the time zone among them; `_fields` leaves out the list of routes.
await record("index.json", "GET", "/wp-json/?_fields=name,description,url,home,gmt_offset,timezone_string");

// The article, by id and by slug; it provides its categories and tags to the related posts.
const post = await record("post.json", "GET", fill(byId, ARTICLE));
await record("post_by_slug.json", "GET", fill(bySlug, ARTICLE));
await record("post_unknown_slug.json", "GET", fill(bySlug, { slug: "pas-de-tel-article" }));
await record("post_unknown_id.json", "GET", fill(byId, { id: "999999" }));
await record("related.json", "GET", fill(mapping.related.url[0], provides(post)));

// The comments, in both orders, and a page past the last.
const comments = (values, page, order) => fill(mapping.comments.url, { ...values, page, order: mapping.values.order[order] });
await record("comments.json", "GET", comments(ARTICLE, 1, "oldest"));
await record("comments_newest.json", "GET", comments(ARTICLE, 1, "newest"));
await record("comments_page_past_the_last.json", "GET", comments(ARTICLE, 2, "oldest"));

// A post published in winter (UTC+1), its related posts and its 101 comments, on two pages.
const winter = await record("winter_post.json", "GET", fill(byId, WINTER));
await record("winter_related.json", "GET", fill(mapping.related.url[0], provides(winter)));
await record("winter_comments_page_1.json", "GET", comments(WINTER, 1, "oldest"));
await record("winter_comments_page_2.json", "GET", comments(WINTER, 2, "oldest"));

// New comments, with the mapping's body: its members whose placeholder has a value.
const newComment = (values) => {
  const body = {};
  for (const [member, template] of Object.entries(mapping.comments.post.body)) {
    const name = template.match(/^\{(\w+)(?::\w+)?\}$/)[1];
    if (values[name] !== undefined) body[member] = template.endsWith(":number}") ? Number(values[name]) : values[name];
  }
  return body;
};
const reader = { article: ARTICLE.id, name: "Lectrice du test", email: "lectrice@example.org", website: "https://lectrice.example.org/" };
const created = { ...reader, body: "Merci pour ce point sur Achgabat." };
const posts = mapping.comments.post.url;
await record("comment_created.json", "POST", posts, newComment(created), "127.0.0.2");
await record("comment_reply_created.json", "POST", posts,
  newComment({ article: ARTICLE.id, parent: "2", name: "Karim Benali", email: "karim@example.org", body: "Je réponds à Marie." }), "127.0.0.3");
await record("comment_duplicate.json", "POST", posts, newComment(created), "127.0.0.4");
await record("comment_flood.json", "POST", posts, newComment({ ...created, body: "Une seconde pensée, trop vite." }), "127.0.0.2");
await record("comment_held.json", "POST", posts, newComment({ ...reader, email: "liens@example.org",
  body: 'Trois liens : <a href="https://a.example.org/">a</a>, <a href="https://b.example.org/">b</a>, <a href="https://c.example.org/">c</a>.' }), "127.0.0.5");
await record("comment_javascript_website.json", "POST", posts, newComment({ ...reader, email: "script@example.org",
  website: "javascript:alert(document.domain)", body: "Mon site est un script." }), "127.0.0.6");

const dpkg = (name) => execFileSync("dpkg-query", ["-W", "-f=${Version}", name]).toString();
const wordpress = readFileSync("/usr/share/wordpress/wp-includes/version.php", "utf8").match(/\$wp_version = '([^']+)'/)[1];
const manifest = {
  recorded: new Date().toISOString().slice(0, 10),
  wordpress,
  packages: { wordpress: dpkg("wordpress"), "mariadb-server": dpkg("mariadb-server"), "php-cli": dpkg("php-cli") },
  site: site,
  requests: recorded,
};
writeFileSync(join(folder, "requests.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`[wordpress] ${recorded.length} answers of WordPress ${wordpress} in ${folder}`);
