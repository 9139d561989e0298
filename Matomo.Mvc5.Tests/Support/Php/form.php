<?php
// For each line of standard input (a query string), what PHP's parse_str makes of it, as JSON: each top-level
// parameter's value, a string or (for an array) the JSON array/object of its values.
while (($line = fgets(STDIN)) !== false) {
    $params = [];
    parse_str(rtrim($line, "\n"), $params);
    echo json_encode((object)$params, JSON_INVALID_UTF8_SUBSTITUTE | JSON_PARTIAL_OUTPUT_ON_ERROR), "\n";
}
