using System;
using System.Linq;
using System.Text.Json;
using Matomo.Mvc5.Standin;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// One request the Matomo stand-in received, as its standin/received JSON lists it: the stand-in's own
    /// <see cref="Entry"/> (every field is described there), with what the tests ask of it.
    /// </summary>
    internal sealed class Received : Entry
    {
        /// <summary>The header's value, whatever the case of its name; null if absent.</summary>
        public string Header(string name) =>
            Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

        /// <summary>For "commands": the phase ("queue": what the page pushed before matomo.js ran; "push": pushed
        /// later; "mtm": the _mtm events a Tag Manager container found).</summary>
        public string Phase => Report.GetProperty("phase").GetString();

        /// <summary>For "commands" of matomo.js: how many tracking requests they sent (all answered before the report).</summary>
        public int Sent => Report.GetProperty("sent").GetInt32();

        /// <summary>For "commands" of matomo.js: how many tracking requests they held back for consent.</summary>
        public int Held => Report.GetProperty("held").GetInt32();

        /// <summary>For "commands": the commands (or _mtm events) reported.</summary>
        public JsonElement Commands => Report.GetProperty("commands");

        /// <summary>For "commands": the command list as compact JSON, e.g. [["trackPageView"],["setSiteId","42"]], written by <see cref="ToJson"/>.</summary>
        public string CommandsJson => ToJson(Plain(Commands));

        private JsonElement Report => Data ?? throw new InvalidOperationException("not a report of commands: " + this);

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
            Kind + " " + Method + " " + Target + " page=" + Page + (Data.HasValue ? " " + Data.Value.GetRawText() : "");
    }
}
