<?php
// For each line of standard input (a Tracking API query string, "?" first), what Matomo reads: PHP's parse_str of
// it, with the JSON parameters (ec_items, cvar, _cvar) replaced by what json_decode($value, true) makes of them
// ("__refused__" when it refuses), as one JSON object per line.
while (($line = fgets(STDIN)) !== false) {
    $params = [];
    parse_str(ltrim(rtrim($line, "\n"), '?'), $params);
    foreach (['ec_items', 'cvar', '_cvar'] as $json) {
        if (isset($params[$json])) {
            $decoded = json_decode($params[$json], true);
            $params[$json] = json_last_error() === JSON_ERROR_NONE ? $decoded : '__refused__';
        }
    }
    echo json_encode((object)$params, JSON_INVALID_UTF8_SUBSTITUTE | JSON_PARTIAL_OUTPUT_ON_ERROR), "\n";
}
