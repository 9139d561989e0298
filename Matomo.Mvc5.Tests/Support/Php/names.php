<?php
// For each line of standard input (a raw, URL-encoded parameter name), what PHP's parse_str registers for
// "<name>=v": one JSON line, {"keys":[...],"array":[...]} (the top-level names, and whether each is an array).
while (($line = fgets(STDIN)) !== false) {
    $name = rtrim($line, "\n");
    $params = [];
    parse_str($name . '=v', $params);
    $keys = []; $arrays = [];
    foreach ($params as $key => $value) { $keys[] = (string)$key; $arrays[] = is_array($value); }
    echo json_encode(['keys' => $keys, 'array' => $arrays], JSON_INVALID_UTF8_SUBSTITUTE), "\n";
}
