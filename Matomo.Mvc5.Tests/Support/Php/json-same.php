<?php
// For each line of standard input (a JSON text, base64-encoded), PHP's json_decode of it, encoded again
// canonically (so that two texts with the same meaning give the same line).
while (($line = fgets(STDIN)) !== false) {
    $value = json_decode(base64_decode(rtrim($line, "\n")), true);
    echo json_last_error() === JSON_ERROR_NONE ? json_encode($value, JSON_PRESERVE_ZERO_FRACTION | JSON_PARTIAL_OUTPUT_ON_ERROR) : "(invalid)", "\n";
}
