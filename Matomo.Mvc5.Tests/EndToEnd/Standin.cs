using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>One thing the Sample's Matomo stand-in received from the browser.</summary>
    internal sealed class Received
    {
        public long Id { get; set; }
        /// <summary>script (matomo.js fetched), commands (the _paq commands run) or hit (matomo.php request).</summary>
        public string Kind { get; set; }
        public string Page { get; set; }
        public string RemoteAddress { get; set; }
        /// <summary>The path the browser asked for: /matomo-standin/matomo.php, /matomo-standin/piwik.js ...</summary>
        public string Path { get; set; }
        public JsonElement Data { get; set; }

        /// <summary>For "commands": the phase ("queue": what the page pushed before matomo.js ran; "push": pushed
        /// later; "mtm": the _mtm events a Tag Manager container found).</summary>
        public string Phase => Data.GetProperty("phase").GetString();

        /// <summary>For "commands": the command list as compact JSON, e.g. [["trackPageView"],["setSiteId","42"]], written by <see cref="ToJson"/>.</summary>
        public string CommandsJson => ToJson(Plain(Data.GetProperty("commands")));

        private static readonly JsonSerializerOptions JsonOptions =
            new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        /// <summary>Compact JSON with one escaping convention, so that expected and received values compare as text.</summary>
        public static string ToJson(object value) => JsonSerializer.Serialize(value, JsonOptions);

        private static object Plain(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Array: return e.EnumerateArray().Select(Plain).ToArray();
                case JsonValueKind.Object: return e.EnumerateObject().ToDictionary(p => p.Name, p => Plain(p.Value));
                case JsonValueKind.String: return e.GetString();
                case JsonValueKind.Number: return e.TryGetInt64(out var l) ? (object)l : e.GetDouble();
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                default: return null;
            }
        }

        /// <summary>For "hit": the query parameters.</summary>
        public IDictionary<string, string> Parameters =>
            Data.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());

        public override string ToString() => Kind + " " + Page + " " + Data.GetRawText();
    }

    /// <summary>Reads and clears what a <see cref="SampleHost"/>'s Matomo stand-in received.</summary>
    internal sealed class Standin
    {
        private readonly SampleHost _host;

        public Standin(SampleHost host) { _host = host; }

        public void Clear()
        {
            var status = Http.Send("POST", _host.Url("/matomo-standin/clear"), out var body);
            if (status != HttpStatusCode.NoContent) throw new InvalidOperationException("clear: " + status + " " + body);
        }

        public IReadOnlyList<Received> All()
        {
            var status = Http.Get(_host.Url("/matomo-standin/received"), out var body);
            if (status != HttpStatusCode.OK) throw new InvalidOperationException("received: " + status + " " + body);
            return JsonSerializer.Deserialize<List<Received>>(body);
        }

        /// <summary>
        /// Polls until the stand-in has received, for <paramref name="page"/>, the page's command queue and its
        /// matomo.php hits, at least <paramref name="hits"/> of them (the browser sends both after matomo.js ran),
        /// then returns everything received.
        /// </summary>
        public IReadOnlyList<Received> WaitForPageView(string page, TimeSpan timeout, int hits = 1) =>
            WaitFor("a command queue and " + hits + " hit(s) for " + page, timeout,
                all => all.Any(r => r.Kind == "commands" && r.Page == page) && all.Count(r => r.Kind == "hit" && r.Page == page) >= hits);

        /// <summary>Polls until what the stand-in received satisfies <paramref name="done"/>, then returns it all.</summary>
        public IReadOnlyList<Received> WaitFor(string what, TimeSpan timeout, Func<IReadOnlyList<Received>, bool> done)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var all = All();
                if (done(all)) return all;
                if (clock.Elapsed > timeout)
                    throw new TimeoutException("the stand-in at " + _host.DomainPath + " received no " + what + " within " + timeout
                                               + "; it has: " + string.Join("\n", all));
                Thread.Sleep(100);
            }
        }
    }
}
