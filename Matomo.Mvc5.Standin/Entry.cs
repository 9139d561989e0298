using System.Collections.Generic;
using System.Text.Json;

namespace Matomo.Mvc5.Standin
{
    /// <summary>
    /// One request the stand-in received, as the viewer shows it and standin/received returns it (JSON). The tests read
    /// that JSON into this same type (Matomo.Mvc5.Tests/EndToEnd/Received.cs adds their helpers).
    /// </summary>
    internal class Entry
    {
        /// <summary>1, 2, 3 ... in the order of arrival, until the process ends (Clear does not reset it).</summary>
        public long Id { get; set; }
        /// <summary>UTC, ISO 8601.</summary>
        public string Time { get; set; }
        /// <summary>
        /// "script" (matomo.js, piwik.js or a Tag Manager container), "hit" (a tracking request to matomo.php or piwik.php),
        /// "preflight" (a CORS OPTIONS request to them), "commands" (what the stand-in's matomo.js or container reported
        /// running), "marker" (a test's marker image) or "other" (anything else: answered 404).
        /// </summary>
        public string Kind { get; set; }
        public string Method { get; set; }
        /// <summary>The request target as sent, not normalised: "/matomo.php?idsite=1&amp;rec=1".</summary>
        public string Target { get; set; }
        /// <summary>The target's path, still percent-encoded.</summary>
        public string Path { get; set; }
        /// <summary>The page that caused it: the hit's url parameter or the report's page, else the Referer.</summary>
        public string Page { get; set; }
        /// <summary>The TCP peer: who connected to the stand-in (the browser, or a proxy in front of it).</summary>
        public string RemoteAddress { get; set; }
        /// <summary>Every header, by name as sent; repeated headers joined by ", ".</summary>
        public Dictionary<string, string> Headers { get; set; }
        /// <summary>The cookies of the Cookie header(s), by name.</summary>
        public Dictionary<string, string> Cookies { get; set; }
        /// <summary>
        /// For hits, as Matomo reads them ($_GET + $_POST): the query parameters, then those of an
        /// application/x-www-form-urlencoded body that the query does not have; for markers, the query parameters; for a
        /// bulk request, its top-level members other than "requests" (such as token_auth; a value that is not a JSON
        /// string as its JSON text).
        /// </summary>
        public Dictionary<string, string> Parameters { get; set; }
        /// <summary>
        /// For a bulk tracking request (a JSON body naming "requests": {"requests": ["?idsite=1&amp;...", {"idsite": 1}, ...]}):
        /// each entry's parameters (a string's query part; an object's members), in order; null for other requests.
        /// </summary>
        public List<Dictionary<string, string>> Requests { get; set; }
        /// <summary>
        /// For hits: what Matomo would make of each tracking request in it (one for a GET or form POST, none when it has
        /// no parameters; one per entry of <see cref="Requests"/> for a bulk request): tracked, excluded, invalid (and
        /// why), failed (a fault answered instead), skipped. Tests judge delivery by these.
        /// </summary>
        public List<Verdict> Verdicts { get; set; }
        /// <summary>The body as UTF-8 text (the first 64 KiB), null when empty.</summary>
        public string Body { get; set; }
        public long BodyLength { get; set; }
        /// <summary>For "commands": {"phase": ..., "commands": [...], ...} as reported by the script.</summary>
        public JsonElement? Data { get; set; }
        /// <summary>The status the stand-in answered; 0 when a fault made it answer nothing.</summary>
        public int Status { get; set; }
        /// <summary>The fault the stand-in played for this request (see /standin/fault), null if none.</summary>
        public string Fault { get; set; }
    }
}
