<?php
// The test site's content, made once with fixed ids and dates so that every install answers
// the same: the demo's French article as post 4127, published on 2024-10-11 at 14:05 Paris
// time (summer, UTC+2) and edited at 16:42, with a featured image, a category and two tags;
// two related posts of the same category; a winter post (UTC+1) with 101 comments, two
// pages of 100; and on the article, a thread three deep, a comment posted as a visitor with
// HTML, one imported with a javascript: website, and one held for moderation.
// Run by scripts/wordpress.sh with PHP's command line.

namespace ArticleWidget\Seed;

$_SERVER['HTTP_HOST'] = '127.0.0.1';
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/media.php';

const SEEDED = 'article_widget_seeded';
const ARTICLE = 4127;
if (get_option(SEEDED)) {
    exit(0);
}
if (get_post(ARTICLE)) {
    fwrite(STDERR, "The content is half made (an earlier seeding failed): scripts/wordpress.sh reset, then start.\n");
    exit(1);
}

/** Fails the seeding with WordPress's message. */
function must($result)
{
    if (is_wp_error($result) || $result === 0 || $result === false) {
        fwrite(STDERR, is_wp_error($result) ? $result->get_error_message() . "\n" : "WordPress refused\n");
        exit(1);
    }
    return $result;
}

// ----------------------------------------------------------------------------------------
// The demo article's blocks (docs/article.schema.json) as the block editor saves them.

function inline_html($content): string
{
    if (is_string($content)) {
        return esc_html($content);
    }
    if (array_is_list($content)) {
        return implode('', array_map(inline_html(...), $content));
    }
    return match ($content['type']) {
        'text' => esc_html($content['text']),
        'emphasis' => '<em>' . inline_html($content['content']) . '</em>',
        'strong' => '<strong>' . inline_html($content['content']) . '</strong>',
        'link' => '<a href="' . esc_url($content['href']) . '">' . inline_html($content['content']) . '</a>',
    };
}

function block_markup(array $block): string
{
    $paragraph = fn (string $html) => "<!-- wp:paragraph -->\n<p>$html</p>\n<!-- /wp:paragraph -->";
    switch ($block['type']) {
        case 'paragraph':
            return $paragraph(inline_html($block['content']));
        case 'heading':
            $level = $block['level'];
            $attributes = $level === 2 ? '' : ' {"level":' . $level . '}';
            return "<!-- wp:heading$attributes -->\n<h$level>" . esc_html($block['text']) . "</h$level>\n<!-- /wp:heading -->";
        case 'quote':
            $cite = isset($block['attribution']) ? '<cite>' . esc_html($block['attribution']) . '</cite>' : '';
            return "<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\">" . $paragraph(inline_html($block['content']))
                . "$cite</blockquote>\n<!-- /wp:quote -->";
        case 'list':
            $tag = ($block['ordered'] ?? false) ? 'ol' : 'ul';
            $items = array_map(fn ($item) => "<!-- wp:list-item -->\n<li>" . inline_html($item) . "</li>\n<!-- /wp:list-item -->", $block['items']);
            return "<!-- wp:list" . ($tag === 'ol' ? ' {"ordered":true}' : '') . " -->\n<$tag>" . implode('', $items) . "</$tag>\n<!-- /wp:list -->";
        default:
            fwrite(STDERR, "seed.php has no block markup for a {$block['type']} block\n");
            exit(1);
    }
}

// ----------------------------------------------------------------------------------------
// A picture for the featured image, drawn here (no file is downloaded): a sky over two
// figures facing each other; WordPress makes its smaller sizes.

function drawn_picture(string $path): void
{
    $image = imagecreatetruecolor(1200, 675);
    for ($y = 0; $y < 675; $y++) {
        $shade = (int) (90 + 100 * $y / 675);
        imageline($image, 0, $y, 1199, $y, imagecolorallocate($image, 40, $shade, 150 + (int) ($shade / 3)));
    }
    imagefilledrectangle($image, 0, 520, 1199, 674, imagecolorallocate($image, 196, 170, 120));
    $figure = imagecolorallocate($image, 30, 30, 40);
    foreach ([420, 780] as $x) {
        imagefilledellipse($image, $x, 250, 90, 100, $figure);
        imagefilledrectangle($image, $x - 70, 310, $x + 70, 560, $figure);
    }
    imagejpeg($image, $path, 82);
}

// ----------------------------------------------------------------------------------------

wp_set_current_user(1); // an editor publishes the posts (and may write any HTML)
$article = json_decode(file_get_contents(getenv('AW_ROOT') . '/www/demo-api/articles/nouvel-ordre-mondial.json'), true);
$world = must(wp_insert_term($article['kicker'], 'category', ['slug' => 'monde']))['term_id'];

/** Publishes a post at a Paris time; WordPress works out `date_gmt` from the site's time zone. */
function publish(int $id, string $slug, string $title, string $content, string $paris_time, array $fields = []): int
{
    return must(wp_insert_post(array_merge([
        'import_id' => $id,
        'post_name' => $slug,
        'post_title' => $title,
        'post_content' => $content,
        'post_status' => 'publish',
        'post_author' => 1,
        'post_date' => $paris_time,
        'comment_status' => 'open',
    ], $fields), true));
}

$post = publish(ARTICLE, $article['id'], $article['headline'], implode("\n\n", array_map(block_markup(...), $article['body'])), '2024-10-11 14:05:00', [
    'post_excerpt' => $article['standfirst'],
    'post_category' => [$world],
    'tags_input' => ['Russie', 'Iran'],
]);
// Edited at 16:42: a new post's `modified` is its `date`, and an update's is the present.
global $wpdb;
$wpdb->update($wpdb->posts, ['post_modified' => '2024-10-11 16:42:00', 'post_modified_gmt' => get_gmt_from_date('2024-10-11 16:42:00')], ['ID' => $post]);
clean_post_cache($post);

$picture = wp_tempnam('achgabat-hero.jpg');
drawn_picture($picture);
$hero = must(media_handle_sideload(['name' => 'achgabat-hero.jpg', 'tmp_name' => $picture], $post, $article['hero']['alt'], [
    'post_title' => 'Achgabat',
    'post_excerpt' => $article['hero']['caption'],
    'post_date' => '2024-10-11 13:50:00',
]));
update_post_meta($hero, '_wp_attachment_image_alt', $article['hero']['alt']);
set_post_thumbnail($post, $hero);

$drones = publish(4121, 'drones-iraniens-ukraine-sanctions', 'Drones iraniens en Ukraine : Kyiv réclame de nouvelles sanctions contre Téhéran',
    "<!-- wp:paragraph -->\n<p>Kyiv demande à l’Union européenne de viser les fabricants iraniens de drones.</p>\n<!-- /wp:paragraph -->",
    '2024-10-09 08:30:00', ['post_category' => [$world], 'tags_input' => ['Iran']]);
set_post_thumbnail($drones, $hero);
publish(4122, 'liban-operations-terrestres', 'Liban : l’armée israélienne étend ses opérations terrestres dans le sud du pays',
    "<!-- wp:paragraph -->\n<p>Les combats s’étendent à de nouveaux villages du Sud-Liban.</p>\n<!-- /wp:paragraph -->",
    '2024-10-10 19:15:00', ['post_category' => [$world]]);
$winter = publish(4100, 'achgabat-forum-hiver', 'Achgabat prépare le forum de l’Asie centrale',
    "<!-- wp:paragraph -->\n<p>En plein hiver, la capitale turkmène annonce le forum de l’automne.</p>\n<!-- /wp:paragraph -->",
    '2024-01-15 09:30:00', ['post_category' => [$world], 'tags_input' => ['Russie']]);

// ----------------------------------------------------------------------------------------
// Comments. wp_insert_comment stores what it is given, as importers and plugins use it;
// WordPress's own form and the REST API filter first (wp_new_comment, below).

/** A comment stored as given, at a Paris time; `date_gmt` from the site's time zone. */
function stored_comment(int $post, string $author, string $email, string $url, string $content, string $paris_time, array $fields = []): int
{
    return must(wp_insert_comment(array_merge([
        'comment_post_ID' => $post,
        'comment_author' => $author,
        'comment_author_email' => $email,
        'comment_author_url' => $url,
        'comment_author_IP' => '192.0.2.10',
        'comment_content' => $content,
        'comment_date' => $paris_time,
        'comment_approved' => 1,
    ], $fields)));
}

$first = stored_comment($post, 'Marie Lefèvre', 'marie@example.org', 'https://marie.example.org/',
    'Merci pour cet article très complet. On oublie souvent l’Asie centrale dans ces analyses.', '2024-10-11 15:10:00');
$reply = stored_comment($post, 'Karim Benali', 'karim@example.org', '',
    'L’Asie centrale est justement au cœur du sujet : le Turkménistan se dit neutre depuis 1995.', '2024-10-11 15:32:00',
    ['comment_parent' => $first]);
stored_comment($post, 'Marie Lefèvre', 'marie@example.org', 'https://marie.example.org/',
    "Neutre, mais pas isolé : le gaz passe toujours par quelque part.\nEt les routes aussi.", '2024-10-11 16:01:00',
    ['comment_parent' => $reply]);

// A visitor's comment with HTML, through WordPress's filters for visitors (kses keeps the
// tags commenters may use and drops the others), as the comment form would store it.
wp_set_current_user(0);
must(wp_new_comment([
    'comment_post_ID' => $post,
    'comment_author' => 'Paul Martin',
    'comment_author_email' => 'paul@example.org',
    'comment_author_url' => 'https://paul.example.org/blog',
    'comment_author_IP' => '192.0.2.20',
    'comment_agent' => 'seed.php',
    'comment_content' => 'Deux sources : <a href="https://tass.com/">Tass</a> et <em>le Kremlin</em>. <strong>À lire</strong> avec prudence &amp; recul.'
        . "\nDeuxième ligne <script>alert(\"x\")</script><img src=x onerror=alert(1)> <a href=\"javascript:alert(1)\">lien piégé</a>"
        . ' <blockquote>Citation</blockquote> <code>&lt;b&gt;</code>',
    'comment_date' => '2024-10-11 17:20:00',
    // Both, or wp_new_comment dates `date_gmt` now.
    'comment_date_gmt' => get_gmt_from_date('2024-10-11 17:20:00'),
    'comment_type' => 'comment',
    'comment_parent' => 0,
    'user_id' => 0,
], true));

// Imported from an older site: WordPress keeps the website as it was given.
stored_comment($post, 'Lecteur importé', 'import@example.org', 'javascript:alert(document.domain)',
    'Commentaire repris de l’ancien site.', '2024-10-12 09:15:00');
stored_comment($post, 'En attente', 'attente@example.org', '', 'Ce commentaire attend la modération.', '2024-10-12 10:00:00',
    ['comment_approved' => 0]);

for ($n = 1; $n <= 101; $n++) {
    $time = date('Y-m-d H:i:s', strtotime('2024-01-15 10:00:00 UTC') + 60 * $n);
    stored_comment($winter, "Lecteur $n", "lecteur$n@example.org", '', "Commentaire n° $n.", $time);
}

update_option(SEEDED, 1);
