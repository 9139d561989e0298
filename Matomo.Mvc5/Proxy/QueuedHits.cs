using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>
    /// A browser's tracking request as the hits the delivery outbox is to send: one hit (the query merged with a form
    /// body as Matomo reads <c>$_GET + $_POST</c>, the query winning), or one per entry of a bulk body (string
    /// <c>?...</c> entries and object entries). The outbox sends every hit of a batch with its token (the bulk body's
    /// <c>token_auth</c> covers every entry) and adds <c>cdt</c> and <c>cip</c> itself, so no hit may keep a parameter
    /// Matomo honours only with a token: <c>token_auth</c>, <c>cip</c>, <c>cdt</c>, <c>cdo</c>, <c>country</c>,
    /// <c>region</c>, <c>city</c>, <c>lat</c>, <c>long</c> are removed under every name PHP registers as one of them
    /// (<see cref="PhpParameterName"/>), a pair whose <c>;</c>-separated parts name one of them whole. What the
    /// browser's headers told Matomo in a direct request is added as parameters when the hit has none:
    /// <c>ua</c> (<c>User-Agent</c>) and <c>lang</c> (<c>Accept-Language</c>). Knows nothing of System.Web.
    /// </summary>
    internal static class QueuedHits
    {
        /// <summary>Parameters Matomo honours only for an authenticated request: never in a queued hit.</summary>
        internal static readonly HashSet<string> AuthOnly = new HashSet<string>(StringComparer.Ordinal)
        {
            "token_auth", "cip", "cdt", "cdo", "country", "region", "city", "lat", "long",
        };

        /// <summary>Nested arrays and objects in an object entry deeper than this are dropped.</summary>
        private const int MaxDepth = 8;

        /// <summary>
        /// The hits (query strings without <c>?</c>, every pair URL-safe and joined with <c>&amp;</c>) of a tracking
        /// request with query <paramref name="query"/>, body <paramref name="body"/> (form or bulk JSON, or null) and
        /// headers <paramref name="headers"/>. Empty when Matomo would track nothing from it (no parameters, a bulk
        /// body that is not JSON).
        /// </summary>
        public static List<string> From(string query, string body, NameValueCollection headers)
        {
            var hits = new List<string>(1);
            if (string.IsNullOrEmpty(body)) body = null;
            if (TrackingRequestRewriter.IsBulk(body))
            {
                // Matomo reads a bulk request's entries alone: the URL's query is not merged into them.
                JsonNode data = JsonNode.TryParse(body.Replace("\n", "").Replace("\r", "").Trim());
                JsonNode requests = data?.Type == JsonNode.Kind.Object ? data.Get("requests") : null;
                if (requests == null || requests.Type != JsonNode.Kind.Array) return hits;
                foreach (JsonNode entry in requests.Items)
                {
                    FormPairs pairs = null;
                    if (entry.Type == JsonNode.Kind.String && TrackingRequestRewriter.EntryQuery(entry.Text) is string q) pairs = FormPairs.Parse(q);
                    else if (entry.Type == JsonNode.Kind.Object) pairs = FormPairs.Parse(Flatten(entry));
                    if (pairs != null && Clean(pairs, headers) is string hit) hits.Add(hit);
                }
                return hits;
            }
            FormPairs get = FormPairs.Parse(query);
            if (body != null) get.AddMissing(FormPairs.Parse(body), get.AllNames());
            if (Clean(get, headers) is string single) hits.Add(single);
            return hits;
        }

        /// <summary>The hit without any authentication-only parameter, with <c>ua</c> and <c>lang</c>; null when nothing is left.</summary>
        private static string Clean(FormPairs pairs, NameValueCollection headers)
        {
            pairs.RemoveAnySpelling(AuthOnly);
            if (pairs.Count == 0) return null;
            if (headers != null)
            {
                HashSet<string> names = pairs.AllNames();
                AddHeader(pairs, names, "ua", headers["User-Agent"]);
                AddHeader(pairs, names, "lang", headers["Accept-Language"]);
            }
            return pairs.ToString();
        }

        private static void AddHeader(FormPairs pairs, HashSet<string> names, string name, string value)
        {
            if (!names.Contains(name) && !string.IsNullOrEmpty(value) && ProxyHeaders.IsSafeValue(value)) pairs.Add(name, value);
        }

        /// <summary>
        /// An object entry as a query string, as PHP would read the same parameters from one: strings as they are,
        /// numbers as written, <c>true</c> as 1, <c>false</c> as empty, <c>null</c> left out, arrays and objects as
        /// <c>name[key]</c>. Each name is then judged as PHP registers it from the query, which can only remove more.
        /// </summary>
        internal static string Flatten(JsonNode entry)
        {
            var pairs = new List<string>();
            foreach (KeyValuePair<string, JsonNode> member in entry.Members)
                Flatten(pairs, FormPairs.Encode(member.Key), member.Value, 0);
            return string.Join("&", pairs);
        }

        private static void Flatten(List<string> pairs, string name, JsonNode value, int depth)
        {
            switch (value.Type)
            {
                case JsonNode.Kind.String:
                    pairs.Add(name + "=" + FormPairs.Encode(value.Text));
                    break;
                case JsonNode.Kind.Literal:
                    if (value.Text == "null") break;
                    pairs.Add(name + "=" + (value.Text == "true" ? "1" : value.Text == "false" ? "" : FormPairs.Encode(value.Text)));
                    break;
                case JsonNode.Kind.Array:
                    if (depth >= MaxDepth) break;
                    for (int i = 0; i < value.Items.Count; i++)
                        Flatten(pairs, name + "%5B" + i.ToString(CultureInfo.InvariantCulture) + "%5D", value.Items[i], depth + 1);
                    break;
                case JsonNode.Kind.Object:
                    if (depth >= MaxDepth) break;
                    foreach (KeyValuePair<string, JsonNode> member in value.Members)
                        Flatten(pairs, name + "%5B" + FormPairs.Encode(member.Key) + "%5D", member.Value, depth + 1);
                    break;
            }
        }
    }
}
