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

        /// <summary>The smallest transparent GIF, what Matomo answers to an image request.</summary>
        public static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

        private static readonly Regex ContainerPath = new Regex(@"^js/container_[A-Za-z0-9]+\.js$", RegexOptions.CultureInvariant);

        private readonly string _base;
        private readonly Script _tracker = Script.Load("matomo.js");
        private readonly Script _container = Script.Load("container.js");
        private readonly Faults _faults = new Faults();

        public MatomoStandin(string basePath, int capacity)
        {
            _base = basePath;
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
                    return await Faulty(request, "script", _ => ServeScript(request, _tracker)).ConfigureAwait(false);
                case "matomo.php":
                case "piwik.php":
                    if (request.Method == "OPTIONS") return await Faulty(request, "preflight", _ => Preflight(request)).ConfigureAwait(false);
                    return await Faulty(request, "hit", entry => Track(request, entry)).ConfigureAwait(false);
            }
            if (ContainerPath.IsMatch(path))
                return await Faulty(request, "script", _ => ServeScript(request, _container)).ConfigureAwait(false);
            return Record(request, "other", HttpResponse.Text(404, "not found"));
        }

        private static HttpResponse Only(HttpRequest request, string method, Func<HttpResponse> answer) =>
            request.Method == method || (method == "GET" && request.Method == "HEAD")
                ? answer().With("Cache-Control", "no-store")
                : HttpResponse.Text(405, "use " + method).With("Allow", method);

        /// <summary>Records the request, then plays the fault in force (if any), else answers it.</summary>
        private async Task<HttpResponse> Faulty(HttpRequest request, string kind, Func<Entry, HttpResponse> answer)
        {
            var fault = _faults.Current;
            var entry = NewEntry(request, kind);
            entry.Fault = fault.IsNone ? null : fault.ToString();
            var response = answer(entry);
            entry.Status = response.Status;
            if (!fault.IsNone)
            {
                entry.Status = fault.StatusFor(response);
                Journal.Add(entry);
                var played = await fault.Play(response).ConfigureAwait(false);
                entry.Status = played.Reset ? 0 : played.Status; // a hang released by a change of mode answers after all
                return played;
            }
            Journal.Add(entry);
            return response;
        }

        // ---- Matomo's endpoints ----

        private HttpResponse ServeScript(HttpRequest request, Script script)
        {
            var notModified = request.Header("If-None-Match") == script.ETag
                || (request.Header("If-None-Match") == null && request.Header("If-Modified-Since") == script.LastModified);
            var response = notModified ? new HttpResponse(304) : new HttpResponse(200, "application/javascript; charset=utf-8", script.Bytes);
            return response.With("ETag", script.ETag).With("Last-Modified", script.LastModified).With("Cache-Control", "no-cache");
        }

        /// <summary>A tracking request: fills the entry's parameters (and bulk requests), answers as Matomo does.</summary>
        private static HttpResponse Track(HttpRequest request, Entry entry)
        {
            var parameters = FormData.Parse(request.Query);
            List<Dictionary<string, string>> bulk = null;
            string body = request.Body.Length == 0 ? null : request.BodyText;
            string contentType = request.Header("Content-Type") ?? "";
            if (body != null && body.TrimStart().StartsWith("{", StringComparison.Ordinal))
                bulk = ParseBulk(body, parameters);
            else if (body != null && (contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
                                      || contentType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase) || contentType == ""))
                FormData.Parse(body, parameters);
            entry.Parameters = parameters;
            entry.Requests = bulk;
            entry.Page = (bulk != null ? bulk.Select(r => r.TryGetValue("url", out var u) ? u : null).FirstOrDefault(u => u != null) : null)
                         ?? (parameters.TryGetValue("url", out var url) ? url : null)
                         ?? request.Header("Referer");

            HttpResponse response;
            if (bulk != null)
                response = HttpResponse.Text(200, "{\"status\":\"success\",\"tracked\":" + bulk.Count + ",\"invalid\":0}", "application/json; charset=utf-8");
            else if (parameters.TryGetValue("send_image", out var sendImage) && sendImage == "0")
                response = HttpResponse.NoContent();
            else
                response = new HttpResponse(200, "image/gif", Pixel);
            return Cors(request, response).With("Cache-Control", "no-cache, no-store, must-revalidate");
        }

        /// <summary>{"requests": ["?idsite=1&amp;rec=1", ...], "token_auth": "..."}: each request's parameters; the other members go to <paramref name="topLevel"/>.</summary>
        private static List<Dictionary<string, string>> ParseBulk(string body, Dictionary<string, string> topLevel)
        {
            try
            {
                using (var json = JsonDocument.Parse(body))
                {
                    if (json.RootElement.ValueKind != JsonValueKind.Object) return null;
                    List<Dictionary<string, string>> requests = null;
                    foreach (var member in json.RootElement.EnumerateObject())
                    {
                        if (member.Name == "requests" && member.Value.ValueKind == JsonValueKind.Array)
                            requests = member.Value.EnumerateArray()
                                .Select(r => r.ValueKind == JsonValueKind.String ? FormData.Parse(r.GetString()) : new Dictionary<string, string> { ["(not a string)"] = r.GetRawText() })
                                .ToList();
                        else
                            topLevel[member.Name] = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : member.Value.GetRawText();
                    }
                    return requests;
                }
            }
            catch (JsonException)
            {
                return null;
            }
        }

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
