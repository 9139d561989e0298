<?php
// For each line of standard input (a JSON string: one parameter's value), how Matomo reads it, as one JSON line
// {"int":N,"empty":B,"numeric":B,"time":N|false}: "int" as Common::getRequestVar($name, 0, 'int') returns it (the
// sanitising and the type check below are core/Common.php's, copied), "empty" and "numeric" PHP's empty() and
// is_numeric(), "time" strtotime() in UTC (the tracker's time zone).
date_default_timezone_set('UTC');

function sanitize($value) // Common::sanitizeInputValues for a string
{
    if (is_numeric($value)) {
        return $value;
    }
    $value = html_entity_decode($value, ENT_QUOTES, 'UTF-8');
    $value = str_replace(array("\0"), '', $value);
    return @htmlspecialchars($value, ENT_QUOTES, 'UTF-8');
}

function int_var($raw) // Common::getRequestVar($name, 0, 'int', [$name => $raw])
{
    if (strlen($raw) === 0) {
        return 0;
    }
    $value = sanitize($raw);
    if ($value == (string)(int)$value) {
        settype($value, 'integer');
        return $value;
    }
    return 0;
}

while (($line = fgets(STDIN)) !== false) {
    $value = json_decode(rtrim($line, "\n"));
    echo json_encode([
        'int' => int_var($value),
        'empty' => empty($value),
        'numeric' => is_numeric($value),
        'time' => strtotime($value),
    ]), "\n";
}
