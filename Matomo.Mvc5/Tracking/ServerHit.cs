using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Matomo.Mvc5.Tracking
{
    /// <summary>
    /// The Tracking API parameters of each kind of server-side hit, as Matomo's tracking client sends them
    /// (<c>js/piwik.js</c>: <c>buildEventRequest</c>, <c>logEcommerce</c>, <c>setEcommerceView</c>, <c>logLink</c>) and
    /// <c>core/Tracker/Request.php</c> reads them. The arguments are checked by the caller; this only writes.
    /// </summary>
    internal static class ServerHit
    {
        /// <summary>What every hit carries: the site, <c>rec</c>, <c>apiv</c>, the visitor, the page and the browser.</summary>
        public static TrackingQuery Begin(TrackedVisitor visitor)
        {
            var q = new TrackingQuery()
                .Add("idsite", visitor.SiteId)
                .Add("rec", 1)
                .Add("apiv", 1)
                .Add("_id", visitor.VisitorId)
                .Add("cid", visitor.VisitorIdForced ? visitor.VisitorId : null)
                .Add("_idts", visitor.VisitorCreatedSeconds)
                .Add("uid", visitor.UserId)
                .Add("url", visitor.Url)
                .Add("urlref", visitor.Referrer)
                .Add("ua", visitor.UserAgent)
                .Add("lang", visitor.Languages);
            return q;
        }

        /// <summary>A page view: <c>action_name</c> (the title; may be null) and, if given, the page's own URL.</summary>
        public static void PageView(TrackingQuery q, string title) => q.Add("action_name", title);

        /// <summary>An event: <c>e_c</c>, <c>e_a</c>, <c>e_n</c>, <c>e_v</c>, <c>ca=1</c> (not a page view).</summary>
        public static void Event(TrackingQuery q, string category, string action, string name, double? value)
        {
            q.Add("e_c", category).Add("e_a", action).Add("e_n", name).Add("e_v", value).Add("ca", 1);
        }

        /// <summary>A goal conversion: <c>idgoal</c> and <c>revenue</c>.</summary>
        public static void Goal(TrackingQuery q, int goalId, decimal? revenue) => q.Add("idgoal", goalId).Add("revenue", revenue);

        /// <summary>A site search: <c>search</c>, <c>search_cat</c>, <c>search_count</c>.</summary>
        public static void SiteSearch(TrackingQuery q, string keyword, string category, int? resultsCount) =>
            q.Add("search", keyword).Add("search_cat", category).Add("search_count", resultsCount);

        /// <summary>
        /// A product or category page view: <c>_pkc</c> (the category, or the JSON array of up to five), <c>_pkp</c>,
        /// <c>_pks</c>, <c>_pkn</c>, as <c>setEcommerceView</c> sets them on the page view.
        /// </summary>
        public static void EcommerceView(TrackingQuery q, string sku, string productName, IReadOnlyList<string> categories, decimal? price)
        {
            q.Add("_pkc", categories == null || categories.Count == 0 ? "" : categories.Count == 1 ? categories[0] : JsonArray(categories));
            q.Add("_pkp", price);
            if (sku == null && productName == null) return; // a category page: no product
            q.Add("_pks", sku).Add("_pkn", productName ?? "");
        }

        /// <summary>A cart update: <c>idgoal=0</c>, <c>revenue</c> (the cart's total), <c>ec_items</c>.</summary>
        public static void CartUpdate(TrackingQuery q, IReadOnlyList<MatomoEcommerceItem> items, decimal grandTotal) =>
            q.Add("idgoal", 0).Add("revenue", grandTotal).Add("ec_items", Items(items));

        /// <summary>An order: <c>idgoal=0</c>, <c>ec_id</c>, <c>revenue</c>, <c>ec_st</c>, <c>ec_tx</c>, <c>ec_sh</c>, <c>ec_dt</c>, <c>ec_items</c>.</summary>
        public static void Order(TrackingQuery q, string orderId, IReadOnlyList<MatomoEcommerceItem> items, decimal grandTotal,
            decimal? subTotal, decimal? tax, decimal? shipping, decimal? discount) =>
            q.Add("idgoal", 0).Add("ec_id", orderId).Add("revenue", grandTotal).Add("ec_st", subTotal).Add("ec_tx", tax)
                .Add("ec_sh", shipping).Add("ec_dt", discount).Add("ec_items", Items(items));

        /// <summary>An outlink (<c>link</c>) or a download (<c>download</c>) of <paramref name="target"/>; <c>url</c> stays the page's.</summary>
        public static void Link(TrackingQuery q, bool download, string target) => q.Add(download ? "download" : "link", target);

        /// <summary>Custom dimensions: <c>dimension&lt;id&gt;</c>.</summary>
        public static void Dimensions(TrackingQuery q, IEnumerable<KeyValuePair<int, string>> dimensions)
        {
            foreach (KeyValuePair<int, string> d in dimensions) q.Add("dimension" + d.Key.ToString(CultureInfo.InvariantCulture), d.Value);
        }

        /// <summary>Custom variables of one scope: <c>cvar</c> (page) or <c>_cvar</c> (visit), <c>{"1":["name","value"]}</c>.</summary>
        public static void Variables(TrackingQuery q, bool visitScope, IEnumerable<KeyValuePair<int, KeyValuePair<string, string>>> variables)
        {
            var json = new StringBuilder("{");
            foreach (var v in variables)
            {
                if (json.Length > 1) json.Append(',');
                json.Append('"').Append(v.Key.ToString(CultureInfo.InvariantCulture)).Append("\":[");
                TrackingQuery.AppendJsonString(json, v.Value.Key);
                json.Append(',');
                TrackingQuery.AppendJsonString(json, v.Value.Value);
                json.Append(']');
            }
            if (json.Length == 1) return;
            q.Add(visitScope ? "_cvar" : "cvar", json.Append('}').ToString());
        }

        /// <summary><c>ec_items</c>: <c>[[sku, name, category or [categories], price, quantity], ...]</c>, as <c>logEcommerce</c> writes it.</summary>
        private static string Items(IReadOnlyList<MatomoEcommerceItem> items)
        {
            if (items == null || items.Count == 0) return null;
            var json = new StringBuilder("[");
            for (int i = 0; i < items.Count; i++)
            {
                MatomoEcommerceItem item = items[i];
                if (i > 0) json.Append(',');
                json.Append('[');
                TrackingQuery.AppendJsonString(json, item.Sku);
                json.Append(',');
                TrackingQuery.AppendJsonString(json, item.ProductName ?? "");
                json.Append(',');
                if (item.Categories.Count == 0) json.Append("\"\"");
                else if (item.Categories.Count == 1) TrackingQuery.AppendJsonString(json, item.Categories[0]);
                else json.Append(JsonArray(item.Categories));
                json.Append(',').Append(TrackingQuery.Number(item.Price)).Append(',').Append(item.Quantity.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            return json.Append(']').ToString();
        }

        private static string JsonArray(IReadOnlyList<string> values)
        {
            var json = new StringBuilder("[");
            for (int i = 0; i < values.Count; i++)
            {
                if (i > 0) json.Append(',');
                TrackingQuery.AppendJsonString(json, values[i]);
            }
            return json.Append(']').ToString();
        }
    }
}
