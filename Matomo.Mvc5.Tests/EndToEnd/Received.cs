using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// One request the Matomo stand-in (Matomo.Mvc5.Standin) received, as its standin/received JSON lists it
    /// (see Matomo.Mvc5.Standin/Entry.cs for every field).
    /// </summary>
    internal sealed class Received
    {
        public long Id { get; set; }
        /// <summary>script, hit, preflight, commands, marker or other.</summary>
        public string Kind { get; set; }
        public string Method { get; set; }
        /// <summary>The request target as sent: "/matomo.php?idsite=1&amp;rec=1".</summary>
        public string Target { get; set; }
        /// <summary>The path the browser asked for: /matomo.php, /piwik.js, /js/container_X.js ...</summary>
        public string Path { get; set; }
        public string Page { get; set; }
        public string RemoteAddress { get; set; }
        public Dictionary<string, string> Headers { get; set; }
        public Dictionary<string, string> Cookies { get; set; }
        /// <summary>For "hit" and "marker": the query (and form body) parameters.</summary>
        public Dictionary<string, string> Parameters { get; set; }
        /// <summary>For a bulk "hit": each request's parameters.</summary>
        public List<Dictionary<string, string>> Requests { get; set; }
        public string Body { get; set; }
        /// <summary>For "commands": {"phase", "commands", "sent", "held"} as the stand-in's script reported them.</summary>
        public JsonElement Data { get; set; }
        public int Status { get; set; }
        /// <summary>The fault the stand-in played ("reset", "slow 200 ms" ...), null if none.</summary>
        public string Fault { get; set; }

        /// <summary>The header's value, whatever the case of its name; null if absent.</summary>
        public string Header(string name) =>
            Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

        /// <summary>For "commands": the phase ("queue": what the page pushed before matomo.js ran; "push": pushed
        /// later; "mtm": the _mtm events a Tag Manager container found).</summary>
        public string Phase => Data.GetProperty("phase").GetString();

        /// <summary>For "commands" of matomo.js: how many tracking requests they sent (all answered before the report).</summary>
        public int Sent => Data.GetProperty("sent").GetInt32();

        /// <summary>For "commands" of matomo.js: how many tracking requests they held back for consent.</summary>
        public int Held => Data.GetProperty("held").GetInt32();

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

        public override string ToString() =>
            Kind + " " + Method + " " + Target + " page=" + Page
            + (Data.ValueKind == JsonValueKind.Object ? " " + Data.GetRawText() : "");
    }
}
