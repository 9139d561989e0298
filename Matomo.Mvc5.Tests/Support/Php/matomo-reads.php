<?php
// A router for PHP's built-in web server (php -S): what Matomo's tracker reads from the request it is sent, with
// PHP's own parsing of names ($_GET, $_POST, parse_str, json_decode). Each request appends one JSON line to the
// file named by MATOMO_READS_LOG: for every tracking request in it (one, or one per bulk entry), the token_auth it is
// authenticated with, the authentication-only parameters it carries (and their values) and its cip, as Matomo's
// core/Tracker/Request.php and plugins/BulkTracking/Tracker/Requests.php take them. Answers 204.
$overrides = ['cdt', 'cdo', 'country', 'region', 'city', 'lat', 'long'];

function matomo_string($params, $name) {
    return isset($params[$name]) && is_string($params[$name]) ? $params[$name] : '';
}

function matomo_view($params, $token) {
    global $overrides;
    $present = [];
    $values = [];
    foreach ($overrides as $name) {
        if (!isset($params[$name])) continue;
        $present[] = $name;
        $values[] = is_string($params[$name]) ? $params[$name] : (is_array($params[$name]) ? '(array)' : strval($params[$name]));
    }
    return ['token' => $token, 'overrides' => $present, 'values' => $values, 'cip' => matomo_string($params, 'cip')];
}

$raw = file_get_contents('php://input');
$views = [];
if (!empty($raw) && (strpos($raw, '"requests"') || strpos($raw, "'requests'"))) {
    $data = json_decode(str_replace(["\r", "\n"], '', trim($raw)), true);
    $top = is_array($data) ? matomo_string($data, 'token_auth') : '';
    $requests = is_array($data) && isset($data['requests']) && is_array($data['requests']) ? $data['requests'] : [];
    foreach ($requests as $request) {
        if (empty($request)) continue;
        if (is_string($request)) {
            $url = @parse_url($request);
            if (empty($url['query'])) continue;
            $params = [];
            @parse_str($url['query'], $params);
        } else if (is_array($request)) {
            $params = $request;
        } else continue;
        // Request::authenticateTrackingApi: the bulk token, else the entry's own.
        $views[] = matomo_view($params, $top !== '' ? $top : matomo_string($params, 'token_auth'));
    }
} else {
    $params = $_GET + $_POST;
    $views[] = matomo_view($params, matomo_string($params, 'token_auth'));
}
$line = json_encode(['uri' => $_SERVER['REQUEST_URI'], 'views' => $views], JSON_INVALID_UTF8_SUBSTITUTE | JSON_PARTIAL_OUTPUT_ON_ERROR);
file_put_contents(getenv('MATOMO_READS_LOG'), $line . "\n", FILE_APPEND | LOCK_EX);
http_response_code(204);
