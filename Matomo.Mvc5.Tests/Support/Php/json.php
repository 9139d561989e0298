<?php
// For each line of standard input (a JSON text, base64-encoded), whether PHP's json_decode (as Matomo's bulk
// tracking calls it, associative) accepts it: one line, "1" or "0".
while (($line = fgets(STDIN)) !== false) {
    $text = base64_decode(rtrim($line, "\n"));
    json_decode($text, true);
    echo json_last_error() === JSON_ERROR_NONE ? "1\n" : "0\n";
}
