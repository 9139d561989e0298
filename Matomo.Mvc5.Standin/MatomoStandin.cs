using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Matomo.Mvc5.Standin.Http;

namespace Matomo.Mvc5.Standin
{
    /// <summary>
    /// The stand-in's endpoints, under its base path (default "/"), the way a Matomo server answers them:
    /// <list type="bullet">
    /// <item>matomo.js, piwik.js: the tracker script (Scripts/matomo.js), with ETag and Last-Modified;</item>
    /// <item>js/container_ID.js: a Tag Manager container (Scripts/container.js);</item>
    /// <item>matomo.php, piwik.php: tracking requests, GET or POST, single or bulk (JSON), and CORS preflights;</item>
    /// </list>
    /// and its own, under standin/: the viewer (also at the base path itself), received (JSON), clear, report (what
    /// the scripts ran), marker (a test's marker image) and fault (play a failing server). Everything else is 404.
    /// Every request except those to the viewer, received, clear and fault is recorded in the <see cref="Journal"/>.
    /// </summary>
    internal sealed class MatomoStandin
    {
        public const int MaxReportBytes = 64 * 1024;
        public const int MaxRecordedBodyChars = 64 * 1024;

        /// <summary>The transparent GIF Matomo answers to an image request (Response::outputTransparentGif).</summary>
        public static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAAAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

        private static readonly Regex ContainerPath = new Regex(@"^js/container_[A-Za-z0-9]+\.js$", RegexOptions.CultureInvariant);

        private readonly string _base;
        private readonly Script _tracker = Script.Load("matomo.js");
        private readonly Script _container = Script.Load("container.js");
        private readonly Faults _faults = new Faults();
        private readonly TrackerSettings _settings;

        public MatomoStandin(string basePath, int capacity, TrackerSettings settings)
        {
            _base = basePath;
            _settings = settings;
            Journal = new Journal(capacity);
        }

        public Journal Journal { get; }

        public async Task<HttpResponse> Handle(HttpRequest request)
        {
            if (!request.Path.StartsWith(_base, StringComparison.Ordinal))
                return Record(request, "other", HttpResponse.Text(404, "not found"));
            string path = request.Path.Substring(_base.Length);
            switch (path)
            {
                case "":
                case "standin":
                case "standin/":
                    return Only(request, "GET", () => Viewer.Page(Journal, _base));
                case "standin/received":
                    return Only(request, "GET", () => Received(request));
                case "standin/clear":
                    return Only(request, "POST", () => Clear(request));
                case "standin/fault":
                    return Only(request, "POST", () => _faults.Set(FormData.Parse(request.Query)));
                case "standin/report":
                    return Report(request);
                case "standin/marker":
                    return Record(request, "marker", new HttpResponse(200, "image/gif", Pixel).With("Cache-Control", "no-store"),
                        FormData.Parse(request.Query));
                case "matomo.js":
                case "piwik.js":
                    return await Faulty(request, "script", (_, __) => ServeScript(request, _tracker)).ConfigureAwait(false);
                case "matomo.php":
                case "piwik.php":
                    if (request.Method == "OPTIONS") return await Faulty(request, "preflight", (_, __) => Preflight(request)).ConfigureAwait(false);
                    return await Faulty(request, "hit", (entry, fault) => Track(request, entry, fault)).ConfigureAwait(false);
            }
            if (ContainerPath.IsMatch(path))
                return await Faulty(request, "script", (_, __) => ServeScript(request, _container)).ConfigureAwait(false);
            return Record(request, "other", HttpResponse.Text(404, "not found"));
        }

        private static HttpResponse Only(HttpRequest request, string method, Func<HttpResponse> answer) =>
            request.Method == method || (method == "GET" && request.Method == "HEAD")
                ? answer().With("Cache-Control", "no-store")
                : HttpResponse.Text(405, "use " + method).With("Allow", method);

        /// <summary>Records the request, then plays the fault in force (if any), else answers it.</summary>
        private async Task<HttpResponse> Faulty(HttpRequest request, string kind, Func<Entry, Faults.Fault, HttpResponse> answer)
        {
            var fault = _faults.Current;
            var entry = NewEntry(request, kind);
            entry.Fault = fault.IsNone ? null : fault.ToString();
            var response = answer(entry, fault);
            entry.Status = response.Status;
            if (!fault.IsNone)
            {
                entry.Status = fault.StatusFor(response);
                if (fault.Replaces) Fail(entry, fault);
                Journal.Add(entry);
                var played = await fault.Play(response).ConfigureAwait(false);
                entry.Status = played.Reset ? 0 : played.Status; // a hang released by a change of mode answers after all
                if (!ReferenceEquals(played, response)) Fail(entry, fault);
                return played;
            }
            Journal.Add(entry);
            return response;
        }

        /// <summary>The fault answered instead of Matomo: nothing it judged was tracked.</summary>
        private static void Fail(Entry entry, Faults.Fault fault)
        {
            if (entry.Verdicts != null)
                entry.Verdicts = entry.Verdicts.Select(v => v.Outcome == Verdict.Skipped ? v : new Verdict(Verdict.Failed, "stand-in fault: " + fault)).ToList();
        }

        // ---- Matomo's endpoints ----

        private HttpResponse ServeScript(HttpRequest request, Script script)
        {
            var notModified = request.Header("If-None-Match") == script.ETag
                || (request.Header("If-None-Match") == null && request.Header("If-Modified-Since") == script.LastModified);
            var response = notModified ? new HttpResponse(304) : new HttpResponse(200, "application/javascript; charset=utf-8", script.Bytes);
            return response.With("ETag", script.ETag).With("Last-Modified", script.LastModified).With("Cache-Control", "no-cache");
        }

        /// <summary>
        /// A tracking request: fills the entry's parameters (and bulk requests) as Matomo reads them, judges each as
        /// Matomo would (<see cref="TrackingRules"/>) and answers as Matomo does (core/Tracker/Response.php,
        /// plugins/BulkTracking/Tracker/Response.php).
        /// </summary>
        private HttpResponse Track(HttpRequest request, Entry entry, Faults.Fault fault)
        {
            long now = (long)(DateTime.UtcNow - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds;
            string body = request.Body.Length == 0 ? null : request.BodyText;
            var query = FormData.Parse(request.Query);
            var response = body != null && IsBulk(body)
                ? TrackBulk(entry, body, query, now, fault)
                : TrackSingle(request, entry, query, body, now, fault);
            entry.Page = (entry.Requests?.Select(r => r.TryGetValue("url", out var u) ? u : null).FirstOrDefault(u => u != null))
                         ?? (entry.Requests == null && entry.Parameters.TryGetValue("url", out var url) ? url : null)
                         ?? request.Header("Referer");
            return Cors(request, response).With("Cache-Control", "no-cache, no-store, must-revalidate");
        }

        /// <summary>What Matomo answers (with 200 to a bare GET, 400 otherwise) when it tracked nothing: no parameters, or a refused request.</summary>
        public const string NothingTrackedText =
            "This resource is part of Matomo. Keep full control of your data with the leading free and open source <a href='https://matomo.org' target='_blank' rel='noopener noreferrer nofollow'>web analytics & conversion optimisation platform</a>.<br>\n"
            + "This file is the endpoint for the Matomo tracking API. If you want to access the Matomo UI or use the Reporting API, please use <a href='index.php'>index.php</a> instead.\n";

        /// <summary>
        /// A GET or form POST: its parameters are $_GET + $_POST (the query's value wins; a body is read only when it
        /// is application/x-www-form-urlencoded, as PHP fills $_POST). A refused request is answered 400 with the
        /// image (none with send_image=0) and then Matomo's page text, as Tracker::main's exception and its final
        /// "nothing tracked" output write both.
        /// </summary>
        private HttpResponse TrackSingle(HttpRequest request, Entry entry, Dictionary<string, string> parameters, string body, long now, Faults.Fault fault)
        {
            if (body != null && (request.Header("Content-Type") ?? "").StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
                foreach (var pair in FormData.Parse(body))
                    if (!parameters.ContainsKey(pair.Key)) parameters[pair.Key] = pair.Value;
            entry.Parameters = parameters;
            entry.Verdicts = new List<Verdict>();
            var text = Encoding.UTF8.GetBytes(NothingTrackedText);
            if (parameters.Count == 0) return new HttpResponse(request.Method == "GET" ? 200 : 400, "text/html; charset=UTF-8", text);
            var verdict = Judge(parameters, null, now, fault);
            entry.Verdicts.Add(verdict);
            bool noImage = parameters.TryGetValue("send_image", out var sendImage) && sendImage == "0";
            if (verdict.Outcome == Verdict.Invalid)
                return noImage ? new HttpResponse(400, "text/html; charset=UTF-8", text) : new HttpResponse(400, "image/gif", Pixel.Concat(text).ToArray());
            return noImage ? HttpResponse.NoContent() : new HttpResponse(200, "image/gif", Pixel);
        }

        /// <summary>BulkTracking's Requests::isUsingBulkRequest: the body names "requests" (anywhere but at its very start).</summary>
        private static bool IsBulk(string body) =>
            body.IndexOf("\"requests\"", StringComparison.Ordinal) > 0 || body.IndexOf("'requests'", StringComparison.Ordinal) > 0;

        /// <summary>
        /// {"requests": ["?idsite=1&amp;rec=1", {"idsite": 1, ...}, ...], "token_auth": "...", "send_image": 0}: each
        /// entry judged with the body's token_auth (else its own); the other members go to the entry's parameters.
        /// Answers {"status":"success","tracked":N,"invalid":M} (and "invalid_indices" when the token is valid), or 204
        /// with send_image 0. A string entry without a query part is skipped, counted nowhere, as Matomo does.
        /// </summary>
        private HttpResponse TrackBulk(Entry entry, string body, Dictionary<string, string> query, long now, Faults.Fault fault)
        {
            entry.Parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            entry.Requests = new List<Dictionary<string, string>>();
            entry.Verdicts = new List<Verdict>();
            bool noResponse = false;
            string token = null;
            try
            {
                using (var json = JsonDocument.Parse(body.Trim()))
                {
                    var root = json.RootElement;
                    if (root.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var member in root.EnumerateObject())
                            if (member.Name != "requests") entry.Parameters[member.Name] = Text(member.Value);
                        noResponse = root.TryGetProperty("send_image", out var sendImage)
                                     && (sendImage.ValueKind == JsonValueKind.String || sendImage.ValueKind == JsonValueKind.Number) && Text(sendImage) == "0";
                        token = root.TryGetProperty("token_auth", out var t) && (t.ValueKind == JsonValueKind.String || t.ValueKind == JsonValueKind.Number) ? Text(t) : null;
                        if (root.TryGetProperty("requests", out var requests) && requests.ValueKind == JsonValueKind.Array)
                            foreach (var r in requests.EnumerateArray())
                            {
                                string queryPart = r.ValueKind == JsonValueKind.String ? QueryPart(r.GetString()) : null;
                                var parameters = r.ValueKind == JsonValueKind.String ? FormData.Parse(queryPart ?? r.GetString())
                                    : r.ValueKind == JsonValueKind.Object ? r.EnumerateObject().GroupBy(m => m.Name).ToDictionary(g => g.Key, g => Text(g.Last().Value), StringComparer.Ordinal)
                                    : r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().Select((e, i) => (e, i)).ToDictionary(x => x.i.ToString(CultureInfo.InvariantCulture), x => Text(x.e), StringComparer.Ordinal)
                                    : new Dictionary<string, string>(StringComparer.Ordinal);
                                entry.Requests.Add(parameters);
                                entry.Verdicts.Add(r.ValueKind == JsonValueKind.String && string.IsNullOrEmpty(queryPart)
                                    ? new Verdict(Verdict.Skipped, "no query part (parse_url finds none): Matomo ignores the entry")
                                    : Judge(parameters, token, now, fault));
                            }
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON: Matomo's json_decode gives null, so no requests.
            }
            if (_settings.BulkRequiresToken && BulkRefusal(entry, token) is HttpResponse refusal) return refusal;
            if (noResponse) return HttpResponse.NoContent();
            var judged = entry.Verdicts.Where(v => v.Outcome != Verdict.Skipped).ToList();
            int tracked = judged.Count(v => v.Outcome == Verdict.Tracked || v.Outcome == Verdict.Excluded);
            var invalid = judged.Select((v, i) => (v, i)).Where(x => x.v.Outcome == Verdict.Invalid).Select(x => x.i).ToList();
            // The request set's token: the query's token_auth, else the body's; a super user's gets the indices.
            string setToken = query.TryGetValue("token_auth", out var q) && !TrackingRules.IsEmpty(q) ? q
                : entry.Parameters.TryGetValue("token_auth", out var b) ? b : null;
            var answer = new StringBuilder("{\"status\":\"success\",\"tracked\":").Append(tracked).Append(",\"invalid\":").Append(invalid.Count);
            if (setToken == _settings.Token) answer.Append(",\"invalid_indices\":[").Append(string.Join(",", invalid)).Append(']');
            return HttpResponse.Text(200, answer.Append('}').ToString(), "application/json");
        }

        /// <summary>
        /// With bulk_requests_require_authentication (--bulk-requires-token), BulkTracking's authenticateRequests
        /// refuses the whole request at the first entry without the body's valid token: 500 (400 for an unknown site,
        /// whose id it cannot name) and {"status":"error","tracked":0,"invalid":0}. Null when every entry passes.
        /// </summary>
        private HttpResponse BulkRefusal(Entry entry, string token)
        {
            for (int i = 0; i < entry.Requests.Count; i++)
            {
                if (entry.Verdicts[i].Outcome == Verdict.Skipped) continue;
                long idSite = TrackingRules.Int(entry.Requests[i].TryGetValue("idsite", out var id) ? id : null);
                var (status, message) =
                    TrackingRules.IsEmpty(token) ? (500, "token_auth must be specified when using Bulk Tracking Import.  See <a href='https://developer.piwik.org/api-reference/tracking-api'>Tracking Doc</a>")
                    : !_settings.SiteExists(idSite) ? (400, "Invalid idSite: '" + idSite.ToString(CultureInfo.InvariantCulture) + "'")
                    : token != _settings.Token ? (500, "token_auth specified does not have Admin permission for idsite=" + idSite.ToString(CultureInfo.InvariantCulture))
                    : (0, null);
                if (message == null) continue;
                entry.Verdicts = entry.Verdicts
                    .Select(v => v.Outcome == Verdict.Skipped ? v : new Verdict(Verdict.Invalid, "the whole bulk request was refused: " + message)).ToList();
                return HttpResponse.Text(status, "{\"status\":\"error\",\"tracked\":0,\"invalid\":0}", "application/json");
            }
            return null;
        }

        private Verdict Judge(IReadOnlyDictionary<string, string> parameters, string bulkToken, long now, Faults.Fault fault)
        {
            var verdict = TrackingRules.Judge(parameters, bulkToken, _settings, now);
            return fault.MakesNextInvalid() ? new Verdict(Verdict.Invalid, "stand-in fault: " + fault) : verdict;
        }

        /// <summary>parse_url's query: after the first "?" up to a "#", none when a "#" comes first.</summary>
        private static string QueryPart(string url)
        {
            int q = url.IndexOf('?'), hash = url.IndexOf('#');
            if (q < 0 || (hash >= 0 && hash < q)) return null;
            return hash < 0 ? url.Substring(q + 1) : url.Substring(q + 1, hash - q - 1);
        }

        /// <summary>A JSON value as a parameter: a string as it is, anything else as its JSON text.</summary>
        private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();

        private static HttpResponse Preflight(HttpRequest request)
        {
            var response = Cors(request, HttpResponse.NoContent()).With("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
            var requested = request.Header("Access-Control-Request-Headers");
            if (!string.IsNullOrEmpty(requested) && requested.All(c => char.IsLetterOrDigit(c) || c == '-' || c == ',' || c == ' '))
                response.With("Access-Control-Allow-Headers", requested);
            return response.With("Access-Control-Max-Age", "0");
        }

        /// <summary>As Matomo: the page's origin is allowed, with credentials (its cookies), or any origin without an Origin header.</summary>
        private static HttpResponse Cors(HttpRequest request, HttpResponse response)
        {
            var origin = request.Header("Origin");
            if (origin != null && origin.All(c => c > ' ' && c < 127))
                return response.With("Access-Control-Allow-Origin", origin).With("Access-Control-Allow-Credentials", "true").With("Vary", "Origin");
            return response.With("Access-Control-Allow-Origin", "*");
        }

        // ---- the stand-in's own endpoints ----

        /// <summary>POST standin/report: {"page", "phase", "commands", ...} from the stand-in's matomo.js or container (text/plain, no preflight).</summary>
        private HttpResponse Report(HttpRequest request)
        {
            if (request.Method == "OPTIONS") return Preflight(request);
            if (request.Method != "POST") return HttpResponse.Text(405, "use POST").With("Allow", "POST, OPTIONS");
            if (request.Body.Length > MaxReportBytes) return Cors(request, HttpResponse.Text(413, "report too large"));
            JsonElement report;
            try
            {
                using (var json = JsonDocument.Parse(request.BodyText)) report = json.RootElement.Clone();
            }
            catch (JsonException)
            {
                return Cors(request, HttpResponse.Text(400, "expected JSON {page, phase, commands}"));
            }
            if (report.ValueKind != JsonValueKind.Object || !report.TryGetProperty("commands", out var commands) || commands.ValueKind != JsonValueKind.Array)
                return Cors(request, HttpResponse.Text(400, "expected JSON {page, phase, commands}"));
            var entry = NewEntry(request, "commands");
            entry.Page = report.TryGetProperty("page", out var page) && page.ValueKind == JsonValueKind.String ? page.GetString() : entry.Page;
            entry.Data = report;
            entry.Status = 204;
            Journal.Add(entry);
            return Cors(request, HttpResponse.NoContent());
        }

        private HttpResponse Received(HttpRequest request)
        {
            long.TryParse(FormData.Parse(request.Query).TryGetValue("after", out var after) ? after : "0",
                NumberStyles.None, CultureInfo.InvariantCulture, out long afterId);
            var json = JsonSerializer.Serialize(Journal.Snapshot(afterId));
            return HttpResponse.Text(200, json, "application/json; charset=utf-8").With("Access-Control-Allow-Origin", "*");
        }

        private HttpResponse Clear(HttpRequest request)
        {
            Journal.Clear();
            var accept = request.Header("Accept") ?? "";
            return accept.IndexOf("text/html", StringComparison.OrdinalIgnoreCase) >= 0
                ? new HttpResponse(303).With("Location", _base + "standin/")
                : HttpResponse.NoContent();
        }

        private HttpResponse Record(HttpRequest request, string kind, HttpResponse response, Dictionary<string, string> parameters = null)
        {
            var entry = NewEntry(request, kind);
            entry.Parameters = parameters;
            if (parameters != null && parameters.TryGetValue("page", out var page)) entry.Page = page;
            entry.Status = response.Status;
            Journal.Add(entry);
            return response;
        }

        private static Entry NewEntry(HttpRequest request, string kind)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var h in request.Headers)
                if (!headers.ContainsKey(h.Key)) headers[h.Key] = request.Header(h.Key);
            var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var h in request.Headers.Where(h => string.Equals(h.Key, "Cookie", StringComparison.OrdinalIgnoreCase)))
                foreach (var pair in h.Value.Split(';'))
                {
                    int eq = pair.IndexOf('=');
                    if (eq > 0) cookies[pair.Substring(0, eq).Trim()] = pair.Substring(eq + 1).Trim();
                }
            string body = request.Body.Length == 0 ? null : request.BodyText;
            return new Entry
            {
                Time = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture),
                Kind = kind,
                Method = request.Method,
                Target = request.Target,
                Path = request.Path,
                Page = request.Header("Referer"),
                RemoteAddress = request.RemoteAddress,
                Headers = headers,
                Cookies = cookies,
                Body = body != null && body.Length > MaxRecordedBodyChars ? body.Substring(0, MaxRecordedBodyChars) : body,
                BodyLength = request.Body.Length,
            };
        }

        /// <summary>A script served from the stand-in's resources, with its validators.</summary>
        private sealed class Script
        {
            public byte[] Bytes;
            public string ETag;
            public string LastModified;

            public static Script Load(string name)
            {
                using (var stream = typeof(Script).Assembly.GetManifestResourceStream(name))
                using (var copy = new MemoryStream())
                {
                    if (stream == null) throw new InvalidOperationException("resource " + name + " is missing");
                    stream.CopyTo(copy);
                    var bytes = copy.ToArray();
                    using (var sha = SHA256.Create())
                    {
                        var hash = sha.ComputeHash(bytes);
                        return new Script
                        {
                            Bytes = bytes,
                            ETag = "\"" + string.Concat(hash.Take(8).Select(b => b.ToString("x2"))) + "\"",
                            LastModified = DateTime.UtcNow.ToString("r", CultureInfo.InvariantCulture),
                        };
                    }
                }
            }
        }
    }
}
