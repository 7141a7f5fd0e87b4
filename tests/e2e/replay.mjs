// A stand-in for other publishers' backends, on loopback: a WordPress site and a JSON Feed,
// answering from the recorded responses in core/tests/fixtures, from another origin (so
// CORS is exercised as a real deployment would).
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const fixtures = new URL("../../core/tests/fixtures/", import.meta.url);
const fixture = (name) => readFileSync(new URL(name, fixtures));

/**
 * Starts the replay; `posts` lists the answers to successive comment posts. `received` holds
 * the posted bodies, `asked` the URLs of the GETs.
 */
export async function startReplay(posts) {
  const received = [];
  const asked = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url, "http://replay");
    const headers = {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Headers": "Content-Type",
      "Access-Control-Expose-Headers": "X-WP-Total, X-WP-TotalPages",
      "Content-Type": "application/json; charset=UTF-8",
    };
    const send = (status, body, extra = {}) => {
      response.writeHead(status, { ...headers, ...extra });
      response.end(body);
    };
    if (request.method === "OPTIONS") return send(204, "");
    if (request.method === "GET") asked.push(request.url);
    if (request.method === "POST" && url.pathname === "/wp-json/wp/v2/comments") {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        received.push(JSON.parse(body));
        const [status, name] = posts.shift() ?? [500, "wordpress_error_duplicate.json"];
        send(status, typeof name === "string" && name.endsWith(".json") ? fixture(name) : name);
      });
      return;
    }
    if (url.pathname === "/wp-json/wp/v2/posts/4127") return send(200, fixture("wordpress_post.json"));
    if (url.pathname === "/wp-json/wp/v2/posts" && url.searchParams.has("slug")) {
      const post = JSON.parse(fixture("wordpress_post.json"));
      return send(200, JSON.stringify(url.searchParams.get("slug") === post.slug ? [post] : []));
    }
    if (url.pathname === "/wp-json/wp/v2/posts") return send(200, fixture("wordpress_posts.json"));
    if (url.pathname === "/wp-json/wp/v2/comments") {
      return send(200, fixture("wordpress_comments.json"), { "X-WP-Total": "2", "X-WP-TotalPages": "1" });
    }
    if (url.pathname === "/feed.json") return send(200, fixture("jsonfeed.json"));
    send(404, JSON.stringify({ code: "rest_no_route", message: "No route was found.", data: { status: 404 } }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, received, asked, stop: () => server.close() };
}
