<?php
// Installs WordPress on the test site once, then sets (at every start) what the tests rely
// on: the Paris time zone, pretty permalinks, comments open and published without
// moderation. Run by scripts/wordpress.sh with PHP's command line.

// Debian's wp-config.php picks the site's configuration by the request's host.
$_SERVER['HTTP_HOST'] = '127.0.0.1';
define('WP_INSTALLING', true);
require '/usr/share/wordpress/wp-load.php';
require ABSPATH . 'wp-admin/includes/upgrade.php';

if (!is_blog_installed()) {
    // No mail to the new site's owner: there is no mail here.
    add_filter('pre_wp_mail', '__return_false');
    $installed = wp_install('Le Quotidien de démonstration', 'jdelaunay', 'jean.delaunay@example.org', true, '', wp_generate_password());
    wp_update_user(['ID' => $installed['user_id'], 'display_name' => 'Jean Delaunay', 'first_name' => 'Jean', 'last_name' => 'Delaunay']);
    // WordPress's sample post (with its comment), page and privacy policy carry the time of
    // the install: gone, so that every answer is the same at each install.
    foreach ([1, 2, 3] as $sample) {
        wp_delete_post($sample, true);
    }
}

$settings = [
    'blogdescription' => 'Le site WordPress des tests du widget',
    'timezone_string' => 'Europe/Paris',
    'default_comment_status' => 'open',
    'close_comments_for_old_posts' => 0,
    'comment_moderation' => 0,
    'comment_previously_approved' => 0,
    'comments_notify' => 0,
    'moderation_notify' => 0,
    'thread_comments' => 1,
    'thread_comments_depth' => 5,
    'page_comments' => 0,
    // Visitors' comments with up to two links are published; three or more wait for moderation.
    'comment_max_links' => 3,
    // Uploads in the state folder; scripts/wordpress/router.php serves them.
    'upload_path' => getenv('AW_WORDPRESS_UPLOADS'),
    'upload_url_path' => getenv('AW_WORDPRESS_URL') . '/wp-content/uploads',
];
foreach ($settings as $name => $value) {
    update_option($name, $value);
}
$structure = '/%year%/%monthnum%/%day%/%postname%/';
if (get_option('permalink_structure') !== $structure) {
    global $wp_rewrite;
    $wp_rewrite->set_permalink_structure($structure);
    $wp_rewrite->flush_rules(false);
}
