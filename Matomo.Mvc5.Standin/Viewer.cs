using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json;
using Matomo.Mvc5.Standin.Http;

namespace Matomo.Mvc5.Standin
{
    /// <summary>The stand-in's page: what it received, newest first, readable by a person. Every value is HTML-encoded.</summary>
    internal static class Viewer
    {
        public static HttpResponse Page(Journal journal, string basePath)
        {
            var entries = journal.Snapshot();
            entries.Reverse();
            var html = new StringBuilder();
            html.Append(@"<!DOCTYPE html>
<html lang=""en"">
<head>
<meta charset=""utf-8"" />
<meta name=""viewport"" content=""width=device-width, initial-scale=1"" />
<title>Matomo stand-in</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0; color: #222; line-height: 1.4; }
header { background: #444; color: #fff; padding: .6em 1em; }
main { padding: 1em; }
code, pre { background: #f2f2f2; }
pre { margin: 0; white-space: pre-wrap; word-break: break-all; font-size: .9em; }
table { border-collapse: collapse; width: 100%; font-size: .9em; table-layout: fixed; }
th, td { border: 1px solid #ccc; padding: .3em .5em; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th.n { width: 3em; } th.t { width: 7em; } th.k { width: 14em; } th.p { width: 22%; } th.f { width: 7em; }
.hit { background: #eef7ee; } .other { background: #fbeaea; } .marker { color: #777; }
tr.refused { background: #fde3c8; } .verdict { font-weight: bold; } .verdict.invalid, .verdict.failed { color: #a40000; }
form { display: inline; }
summary { cursor: pointer; color: #555; }
</style>
</head>
<body>
<header><strong>Matomo stand-in</strong></header>
<main>
<p>What this stand-in for a Matomo server received, newest first (the last ").Append(journal.Capacity)
                .Append(@" requests; it forgets them when it stops). <b>script</b>: a download of <code>matomo.js</code> or a Tag Manager
container; <b>commands</b>: the <code>_paq</code> commands a page ran (or, phase <em>mtm</em>, the <code>_mtm</code> events the
container found); <b>hit</b>: a tracking request to <code>matomo.php</code>, with its parameters, headers and cookies, and
what Matomo would make of it: <b>tracked</b>, <b>excluded</b> (no <code>rec=1</code>), <b>invalid</b> (refused: a
<code>cip</code>, an old <code>cdt</code> or a location without a valid <code>token_auth</code>, an unknown site),
<b>failed</b> (a fault answered instead) or, in a bulk request, <b>skipped</b>. Rows with a refused request are orange.
The same as JSON: <a href=""").Append(Encode(basePath)).Append(@"standin/received"">standin/received</a>.</p>
<p><form method=""post"" action=""").Append(Encode(basePath)).Append(@"standin/clear""><button type=""submit"">Clear</button></form>
<a href=""").Append(Encode(basePath)).Append(@"standin/"">Refresh</a></p>
");
            if (entries.Count == 0)
            {
                html.Append("<p><em>Nothing received yet. Open a page of the site, then refresh this one.</em></p>\n");
            }
            else
            {
                html.Append("<table>\n<tr><th class=\"n\">#</th><th class=\"t\">Time (UTC)</th><th class=\"k\">Kind</th><th class=\"p\">Page</th><th class=\"f\">From</th><th>Data</th></tr>\n");
                foreach (var e in entries)
                {
                    bool refused = e.Verdicts != null && e.Verdicts.Any(v => v.Outcome == Verdict.Invalid || v.Outcome == Verdict.Failed);
                    html.Append("<tr class=\"").Append(Encode(e.Kind)).Append(refused ? " refused" : "").Append("\"><td>").Append(e.Id)
                        .Append("</td><td>").Append(Encode(e.Time.Length >= 23 ? e.Time.Substring(11, 12) : e.Time))
                        .Append("</td><td><b>").Append(Encode(e.Kind)).Append("</b> ").Append(e.Status == 0 ? "(no answer)" : e.Status.ToString())
                        .Append("<br /><small>").Append(Encode(e.Method + " " + e.Path)).Append("</small>");
                    if (e.Fault != null) html.Append("<br /><small>fault: ").Append(Encode(e.Fault)).Append("</small>");
                    if (e.Verdicts != null)
                        foreach (var outcome in e.Verdicts.GroupBy(v => v.Outcome))
                            html.Append("<br /><span class=\"verdict ").Append(Encode(outcome.Key)).Append("\">")
                                .Append(e.Requests != null ? outcome.Count() + " " : "").Append(Encode(outcome.Key)).Append("</span>");
                    html.Append("</td><td>").Append(Encode(e.Page ?? ""))
                        .Append("</td><td>").Append(Encode(e.RemoteAddress))
                        .Append("</td><td><pre>").Append(Encode(Describe(e))).Append("</pre>");
                    html.Append("<details><summary>headers").Append(e.Cookies.Count > 0 ? ", cookies" : "").Append("</summary><pre>")
                        .Append(Encode(Lines(e.Headers)));
                    if (e.Cookies.Count > 0) html.Append("\n\ncookies:\n").Append(Encode(Lines(e.Cookies)));
                    html.Append("</pre></details></td></tr>\n");
                }
                html.Append("</table>\n");
            }
            html.Append("</main>\n</body>\n</html>\n");
            return HttpResponse.Text(200, html.ToString(), "text/html; charset=utf-8");
        }

        /// <summary>One parameter per line for hits, one command per line for command lists.</summary>
        private static string Describe(Entry e)
        {
            if (e.Data.HasValue)
            {
                var data = e.Data.Value;
                var head = data.TryGetProperty("phase", out var p) ? p.ToString() : "";
                if (data.TryGetProperty("sent", out var sent)) head += ", " + sent + " sent";
                if (data.TryGetProperty("held", out var held) && held.ToString() != "0") head += ", " + held + " held for consent";
                var lines = data.GetProperty("commands").EnumerateArray().Select(c => c.GetRawText());
                return "(" + head + ")\n" + string.Join("\n", lines);
            }
            var parts = new List<string>();
            bool hit = e.Kind == "hit";
            if (e.Parameters != null && e.Parameters.Count > 0)
                parts.Add((hit && e.Requests == null ? Judged(e, 0) + "» " + HitSummary.Describe(e.Parameters) + "\n" : "") + Lines(e.Parameters));
            if (e.Requests != null)
                for (int i = 0; i < e.Requests.Count; i++)
                    parts.Add("requests[" + i + "]: " + Judged(e, i) + (hit ? "» " + HitSummary.Describe(e.Requests[i]) : "") + "\n" + Lines(e.Requests[i]));
            if (parts.Count == 0 && e.Body != null) parts.Add(e.Body);
            return string.Join("\n\n", parts);
        }

        /// <summary>"INVALID: why\n" for a request Matomo would not track, "" for a tracked one.</summary>
        private static string Judged(Entry e, int i)
        {
            if (e.Verdicts == null || i >= e.Verdicts.Count || e.Verdicts[i].Outcome == Verdict.Tracked) return "";
            return e.Verdicts[i].Outcome.ToUpperInvariant() + ": " + e.Verdicts[i].Reason + "\n";
        }

        private static string Lines(IEnumerable<KeyValuePair<string, string>> pairs) =>
            string.Join("\n", pairs.Select(p => p.Key + " = " + p.Value));

        private static string Encode(string s) => WebUtility.HtmlEncode(s);
    }
}
