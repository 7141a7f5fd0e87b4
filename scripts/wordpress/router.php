<?php
// PHP's built-in server in front of Debian's WordPress, doing what Debian's Apache
// configuration and WordPress's rewrite rules do: uploads from the test site's own folder,
// existing files as they are, and every other path (pretty permalinks, /wp-json/...) to
// WordPress's index.php.
$path = '/' . ltrim(urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH)), '/');
$uploads = '/wp-content/uploads/';
if (str_starts_with($path, $uploads)) {
    $file = realpath(getenv('AW_WORDPRESS_UPLOADS') . '/' . substr($path, strlen($uploads)));
    if ($file === false || !str_starts_with($file, getenv('AW_WORDPRESS_UPLOADS') . '/') || !is_file($file)) {
        http_response_code(404);
        return true;
    }
    header('Content-Type: ' . mime_content_type($file));
    header('Content-Length: ' . filesize($file));
    readfile($file);
    return true;
}
if (file_exists($_SERVER['DOCUMENT_ROOT'] . $path)) {
    return false;
}
chdir($_SERVER['DOCUMENT_ROOT']);
require 'index.php';
