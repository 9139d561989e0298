using System;
using System.Collections.Generic;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>
    /// Adds the visitor address (<c>cip</c>) and the proxy's <c>token_auth</c> to a tracking request, single or bulk
    /// (for a single request in a form body, which becomes a POST, so that the token is never in a URL),
    /// without ever lending the token to a request that brings its own authentication-only parameters: the rules of
    /// Matomo's tracker proxy (matomo-org/tracker-proxy), which mirror how Matomo itself reads these parameters.
    /// Every name is judged as PHP registers it (<see cref="PhpParameterName"/>: <c>+country</c>, <c>cdt%00x</c>,
    /// <c>token.auth</c>, <c>city[x]</c> are <c>country</c>, <c>cdt</c>, <c>token_auth</c>, <c>city</c> to Matomo),
    /// with <c>;</c> taken as a separator too, in the query, a form body and each bulk entry alike: a request that
    /// carries an authentication-only parameter under any spelling gets no token. Knows nothing of System.Web.
    /// </summary>
    internal static class TrackingRequestRewriter
    {
        /// <summary>Parameters Matomo honours only for an authenticated request (besides <c>cip</c> and <c>token_auth</c>).</summary>
        private static readonly string[] OverrideParameters = { "cdt", "cdo", "country", "region", "city", "lat", "long" };

        private static readonly string[] CipName = { "cip" };
        private static readonly string[] TokenName = { "token_auth" };

        /// <summary>A tracking request rewritten for the upstream.</summary>
        public struct Result
        {
            /// <summary>The query string to send, without <c>?</c>.</summary>
            public string Query;
            /// <summary>The body to send, or null for none: a bulk body, or a form body (the request's own pairs, then the proxy's cip and token_auth); with a body the request goes as a POST.</summary>
            public string Body;
            /// <summary>Whether the body is a bulk request (JSON).</summary>
            public bool IsBulk;
            /// <summary>Whether the query asks for no image in answer (<c>send_image=0</c>).</summary>
            public bool NoImage;
        }

        /// <summary>
        /// Matomo's own test for a bulk request (<c>Requests::isUsingBulkRequest</c>): the marker anywhere but at the
        /// very start of the body.
        /// </summary>
        public static bool IsBulk(string body) =>
            !string.IsNullOrEmpty(body)
            && (body.IndexOf("\"requests\"", StringComparison.Ordinal) > 0 || body.IndexOf("'requests'", StringComparison.Ordinal) > 0);

        /// <summary>
        /// Rewrites a request with query <paramref name="query"/> and form or bulk body <paramref name="body"/>.
        /// With <paramref name="token"/> null nothing is injected (Matomo accepts <c>cip</c> only with a token).
        /// </summary>
        public static Result Rewrite(string query, string body, string visitIp, string token)
        {
            FormPairs get = FormPairs.Parse(query);
            bool noImage = get.Get("send_image", out string sendImage) == FormPairs.State.String && sendImage == "0";
            if (string.IsNullOrEmpty(body)) body = null;
            if (token == null)
            {
                return new Result { Query = get.ToString(), Body = body == null || IsBulk(body) ? body : FormPairs.Parse(body).ToString(), IsBulk = IsBulk(body), NoImage = noImage };
            }
            if (IsBulk(body))
            {
                // Matomo reads a bulk request's token only from its body: a URL token moves there, and none stays in the URL.
                string urlToken = get.Get("token_auth", out string t) == FormPairs.State.String && t.Length > 0 ? t : null;
                string rewritten = RewriteBulk(body, visitIp, token, urlToken);
                get.Remove("token_auth");
                return new Result { Query = get.ToString(), Body = rewritten, IsBulk = true, NoImage = noImage };
            }

            FormPairs post = FormPairs.Parse(body);
            FormPairs judgedGet = FormPairs.ParseForJudging(query, get), judgedPost = FormPairs.ParseForJudging(body, post);
            // Matomo reads $_GET + $_POST: a cip in the query wins over one in the body, whatever its value.
            bool clientIp = judgedGet.Has("cip") ? judgedGet.HasNonEmptyString("cip") : judgedPost.HasNonEmptyString("cip");
            bool clientAuth = ProvidesAuthParameters(judgedGet) || ProvidesAuthParameters(judgedPost);
            // What the proxy adds goes into a form body, never into the URL that Matomo's web server logs; the query
            // keeps its own parameters, which win over the body's ($_GET + $_POST), so none of the names added may
            // stay in it under any spelling.
            bool added = false;
            if (!clientIp)
            {
                // An empty or array cip is ignored by Matomo: drop it so that ours is the one read.
                get.RemoveAnySpelling(CipName);
                post.RemoveAnySpelling(CipName);
                post.Add("cip", visitIp);
                added = true;
            }
            if (!clientAuth)
            {
                get.RemoveAnySpelling(TokenName);
                post.RemoveAnySpelling(TokenName);
                post.Add("token_auth", token);
                added = true;
            }
            return new Result { Query = get.ToString(), Body = body == null && !added ? null : post.ToString(), NoImage = noImage };
        }

        /// <summary>A non-empty <c>token_auth</c> or <c>cip</c> string, or any authentication-only parameter at all.</summary>
        internal static bool ProvidesAuthParameters(FormPairs p)
        {
            if (p.HasNonEmptyString("token_auth") || p.HasNonEmptyString("cip")) return true;
            foreach (string name in OverrideParameters)
                if (p.Has(name)) return true;
            return false;
        }

        /// <summary>
        /// The same for a bulk entry given as an object. Matomo takes an object's keys as they are; they are judged as
        /// PHP would register them all the same, which can only withhold the token from more entries, never lend it.
        /// </summary>
        private static bool ProvidesAuthParameters(JsonNode entry)
        {
            foreach (KeyValuePair<string, JsonNode> member in entry.Members)
            {
                string name = PhpParameterName.Normalize(member.Key, out _);
                if (name == null) continue;
                if (Array.IndexOf(OverrideParameters, name) >= 0) return true;
                if ((name == "token_auth" || name == "cip") && member.Value.Type == JsonNode.Kind.String && member.Value.Text.Length > 0) return true;
            }
            return false;
        }

        /// <summary>The query of a string bulk entry (<c>?idsite=1&amp;...</c>), or null when it has none.</summary>
        internal static string EntryQuery(string entry)
        {
            int q = entry.IndexOf('?');
            if (q < 0) return null;
            int hash = entry.IndexOf('#', q);
            string query = hash < 0 ? entry.Substring(q + 1) : entry.Substring(q + 1, hash - q - 1);
            return query.Length == 0 ? null : query;
        }

        private static bool EntryProvidesAuthParameters(JsonNode entry)
        {
            if (entry.Type == JsonNode.Kind.Object) return ProvidesAuthParameters(entry);
            if (entry.Type != JsonNode.Kind.String) return false;
            string query = EntryQuery(entry.Text);
            return query != null && ProvidesAuthParameters(FormPairs.ParseForJudging(query, FormPairs.Parse(query)));
        }

        private static string RewriteBulk(string body, string visitIp, string token, string urlToken)
        {
            // Matomo strips line breaks before decoding (Common::sanitizeLineBreaks).
            JsonNode data = JsonNode.TryParse(body.Replace("\n", "").Replace("\r", "").Trim());
            JsonNode requests = data?.Type == JsonNode.Kind.Object ? data.Get("requests") : null;
            if (requests == null || requests.Type != JsonNode.Kind.Array) return body; // not decodable: Matomo decides

            bool bodyToken = data.HasNonEmptyString("token_auth");
            if (urlToken != null && !bodyToken)
            {
                data.Set("token_auth", JsonNode.String(urlToken));
                bodyToken = true;
            }
            bool anyOffending = false;
            foreach (JsonNode entry in requests.Items)
            {
                if (EntryProvidesAuthParameters(entry))
                {
                    anyOffending = true;
                    break;
                }
            }
            // A top-level token authorizes every entry: ours goes there only for a clean batch without a client token.
            bool topLevel = !bodyToken && !anyOffending;
            if (topLevel) data.Set("token_auth", JsonNode.String(token));
            bool perEntry = !bodyToken && !topLevel;

            for (int i = 0; i < requests.Items.Count; i++)
            {
                JsonNode entry = requests.Items[i];
                if (EntryProvidesAuthParameters(entry)) continue; // left for Matomo to reject
                if (entry.Type == JsonNode.Kind.Object)
                {
                    entry.Set("cip", JsonNode.String(visitIp));
                    entry.Remove("token_auth");
                    if (perEntry) entry.Set("token_auth", JsonNode.String(token));
                }
                else if (entry.Type == JsonNode.Kind.String && EntryQuery(entry.Text) is string query)
                {
                    FormPairs p = FormPairs.Parse(query);
                    p.Remove("cip");
                    p.Remove("token_auth");
                    p.Add("cip", visitIp);
                    if (perEntry) p.Add("token_auth", token);
                    requests.Items[i] = JsonNode.String("?" + p);
                }
            }
            return data.ToString();
        }
    }
}
