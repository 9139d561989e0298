using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Matomo.Mvc5.Standin
{
    /// <summary>
    /// What a tracking request means, in one line for a person, from Matomo's own parameters: a page view (and the
    /// product or category it views), a site search, a goal conversion, an ecommerce cart update or order with its
    /// items, an event, a link or a ping.
    /// </summary>
    internal static class HitSummary
    {
        public static string Describe(IReadOnlyDictionary<string, string> p)
        {
            string Get(string key) => p.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
            var s = new StringBuilder();
            if (Get("idgoal") == "0")
            {
                s.Append(Get("ec_id") != null ? "ecommerce order " + Get("ec_id") + ": " : "ecommerce cart update: ").Append(Get("revenue") ?? "?");
                var parts = new[] { ("ec_st", "sub-total"), ("ec_tx", "tax"), ("ec_sh", "shipping"), ("ec_dt", "discount") }
                    .Where(x => Get(x.Item1) != null).Select(x => x.Item2 + " " + Get(x.Item1)).ToList();
                if (parts.Count > 0) s.Append(" (").Append(string.Join(", ", parts)).Append(')');
                s.Append(Items(Get("ec_items")));
            }
            else if (Get("idgoal") != null)
            {
                s.Append("goal ").Append(Get("idgoal"));
                if (Get("revenue") != null) s.Append(", revenue ").Append(Get("revenue"));
            }
            else if (Get("search") != null)
            {
                s.Append("site search: \"").Append(Get("search")).Append('"');
                if (Get("search_cat") != null) s.Append(" in ").Append(Get("search_cat"));
                if (Get("search_count") != null) s.Append(", ").Append(Get("search_count")).Append(" result(s)");
            }
            else if (Get("e_c") != null)
            {
                s.Append("event ").Append(Get("e_c")).Append(" / ").Append(Get("e_a") ?? "?");
                if (Get("e_n") != null) s.Append(" / ").Append(Get("e_n"));
                if (Get("e_v") != null) s.Append(" = ").Append(Get("e_v"));
            }
            else if (Get("link") != null) s.Append("outlink ").Append(Get("link"));
            else if (Get("download") != null) s.Append("download ").Append(Get("download"));
            else if (Get("ping") != null) s.Append("ping (heart beat)");
            else
            {
                s.Append("page view");
                if (Get("action_name") != null) s.Append(" \"").Append(Get("action_name")).Append('"');
                if (Get("_pks") != null) s.Append(", product ").Append(Get("_pks")).Append(Get("_pkn") != null ? " " + Get("_pkn") : "");
                if (Get("_pkc") != null) s.Append(Get("_pks") != null ? " in " : ", category ").Append(Get("_pkc"));
                if (Get("_pkp") != null) s.Append(" at ").Append(Get("_pkp"));
            }
            if (Get("uid") != null) s.Append(" [user ").Append(Get("uid")).Append(']');
            return s.ToString();
        }

        /// <summary>ec_items, [[sku, name, category, price, quantity], ...], as "; SKU-1 name × 2 at 19.99".</summary>
        private static string Items(string json)
        {
            if (json == null) return "";
            try
            {
                using (var doc = JsonDocument.Parse(json))
                {
                    var items = doc.RootElement.EnumerateArray().Select(item =>
                    {
                        var a = item.EnumerateArray().Select(Text).ToList();
                        string At(int i) => i < a.Count ? a[i] : "";
                        return At(0) + (At(1).Length > 0 ? " " + At(1) : "") + " × " + (At(4).Length > 0 ? At(4) : "1") + " at " + At(3);
                    });
                    return "; items: " + string.Join("; ", items);
                }
            }
            catch (JsonException)
            {
                return "; items: (not JSON) " + json;
            }
        }

        private static string Text(JsonElement e) =>
            e.ValueKind == JsonValueKind.String ? e.GetString()
            : e.ValueKind == JsonValueKind.Number || e.ValueKind == JsonValueKind.Array ? e.GetRawText()
            : "";
    }
}
