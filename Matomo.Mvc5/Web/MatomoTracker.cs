using System;
using System.Collections.Generic;
using System.Globalization;
using System.Web;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Proxy;
using Matomo.Mvc5.Rendering;
using Matomo.Mvc5.Tracking;

namespace Matomo.Mvc5
{
    /// <summary>
    /// Server-side tracking: hits that no browser sends (a webhook's order, a download, a form handled without
    /// JavaScript, a background job), on the browser's visit when there is one, under the site's rules. Every hit goes
    /// through the durable delivery outbox: no call waits on Matomo or throws for anything Matomo does; a wrong argument
    /// throws <see cref="ArgumentException"/> at once, naming it. A tracker is for one request or job (not thread-safe);
    /// make one with <see cref="For(HttpContextBase)"/>, <see cref="ForVisitor"/> or <see cref="ForUser"/>.
    /// </summary>
    /// <remarks>
    /// Each <c>Track*</c> method returns whether the hit was handed to the outbox: false when the site's rules skip it
    /// (<see cref="SkippedBecause"/> says why; the status counts it by cause) or the settings name no Matomo to deliver
    /// to; never because Matomo is down (the outbox keeps the hit until it is back).
    /// </remarks>
    public sealed class MatomoTracker
    {
        private const string Owner = nameof(MatomoTracker);
        private readonly MatomoSettings _settings;
        private readonly IHitSink _sink;
        private TrackedVisitor _visitor;
        private readonly SortedDictionary<int, string> _dimensions = new SortedDictionary<int, string>();
        private readonly SortedDictionary<int, KeyValuePair<string, string>> _pageVariables = new SortedDictionary<int, KeyValuePair<string, string>>();
        private readonly SortedDictionary<int, KeyValuePair<string, string>> _visitVariables = new SortedDictionary<int, KeyValuePair<string, string>>();
        private readonly List<KeyValuePair<string, string>> _parameters = new List<KeyValuePair<string, string>>();

        internal MatomoTracker(MatomoSettings settings, IHitSink sink, TrackedVisitor visitor, string skippedBecause)
        {
            _settings = settings;
            _sink = sink;
            _visitor = visitor;
            SkippedBecause = skippedBecause;
        }

        // ---- making one ----

        /// <summary>
        /// A tracker for the current request: the browser's visitor (Matomo's <c>_pk_id</c> cookie), the user id as the
        /// snippet has it (<c>analytical:AutoIdentify</c>, or the page's <c>SetUserId</c>/<c>ResetUserId</c>), the page,
        /// referrer, user agent and languages, and the visitor's address as the module resolves it behind trusted proxies.
        /// The site's rules are applied once, here: internal addresses, excluded roles and paths,
        /// <see cref="MatomoExcludeAttribute"/>, the opt-out cookie, Do Not Track and consent.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
        public static MatomoTracker For(HttpContextBase context)
        {
            if (context == null) throw new ArgumentNullException(nameof(context));
            return MatomoTrackerFactory.ForRequest(context, MatomoConfiguration.Current, MatomoDelivery.Sink);
        }

        /// <summary>
        /// A tracker without a request (a webhook, a job): the visitor the site kept, such as the
        /// <see cref="VisitorId"/> it stored with an order, so that the hit lands on that browser's visit; and/or a user id.
        /// </summary>
        /// <param name="visitorId">16 hex digits (a <see cref="VisitorId"/>), or null.</param>
        /// <param name="userId">The user id, or null.</param>
        /// <exception cref="ArgumentException">The visitor id is not 16 hex digits, the user id is empty, or both are null.</exception>
        public static MatomoTracker ForVisitor(string visitorId, string userId = null)
        {
            if (visitorId == null && userId == null)
                throw ArgumentCheck.Missing(Owner, nameof(ForVisitor), nameof(visitorId), "and userId are both null: give the visitor id the site kept, a user id or both");
            return MatomoTrackerFactory.ForVisitor(MatomoConfiguration.Current, MatomoDelivery.Sink, visitorId, userId, nameof(ForVisitor));
        }

        /// <summary>A tracker without a request for a signed-in user of the site: <c>uid</c>.</summary>
        /// <param name="userId">The user id.</param>
        /// <exception cref="ArgumentException">The user id is null, empty or white space.</exception>
        public static MatomoTracker ForUser(string userId)
        {
            ArgumentCheck.Required(Owner, nameof(ForUser), nameof(userId), userId);
            return MatomoTrackerFactory.ForVisitor(MatomoConfiguration.Current, MatomoDelivery.Sink, null, userId, nameof(ForUser));
        }

        // ---- what it knows ----

        /// <summary>The visitor id (16 hex digits) the hits carry, or null: keep it with an order to track the order's
        /// confirmation later on the same visit (<see cref="ForVisitor"/>).</summary>
        public string VisitorId => _visitor?.VisitorId;

        /// <summary>Why this tracker sends nothing (such as <c>opted-out</c>), or null when it sends.</summary>
        public string SkippedBecause { get; }

        // ---- what the following hits carry ----

        /// <summary>Sends the following hits to another Matomo site than <c>matomo:SiteId</c>.</summary>
        /// <param name="siteId">The site id: a positive whole number, such as <c>7</c>.</param>
        /// <exception cref="ArgumentException">The site id is not a positive whole number.</exception>
        public MatomoTracker ForSite(string siteId)
        {
            if (siteId == null) throw ArgumentCheck.Missing(Owner, nameof(ForSite), nameof(siteId), "is null");
            if (!int.TryParse(siteId, NumberStyles.None, CultureInfo.InvariantCulture, out int id) || id < 1)
                throw ArgumentCheck.Invalid(Owner, nameof(ForSite), nameof(siteId), "is not a positive whole number such as 7 (an idSite of Matomo)");
            if (_visitor != null) _visitor = _visitor.ForSite(id);
            return this;
        }

        /// <summary>The page URL the following hits are about (<c>url</c>), such as the order's page for a webhook.</summary>
        /// <param name="url">An absolute URL.</param>
        /// <exception cref="ArgumentException">The URL is not absolute http(s).</exception>
        public MatomoTracker SetUrl(string url)
        {
            CheckUrl(nameof(SetUrl), nameof(url), url);
            if (_visitor != null) _visitor = _visitor.WithUrl(url);
            return this;
        }

        /// <summary>Sets a custom dimension on the following hits: <c>dimension&lt;id&gt;</c>.</summary>
        /// <exception cref="ArgumentException">The id is below 1.</exception>
        public MatomoTracker SetCustomDimension(int id, string value)
        {
            if (id < 1) throw ArgumentCheck.OutOfRange(Owner, nameof(SetCustomDimension), nameof(id), "must be 1 or more (a dimension id in Matomo)");
            _dimensions[id] = value ?? "";
            return this;
        }

        /// <summary>Sets a custom variable on the following hits: <c>cvar</c> (page scope) or <c>_cvar</c> (visit scope).</summary>
        /// <exception cref="ArgumentException">The index is not 1 to 5 (Matomo's default), or the name is missing.</exception>
        public MatomoTracker SetCustomVariable(int index, string name, string value, CustomVariableScope scope = CustomVariableScope.Page)
        {
            if (index < 1 || index > 5) throw ArgumentCheck.OutOfRange(Owner, nameof(SetCustomVariable), nameof(index), "must be 1 to 5");
            ArgumentCheck.Required(Owner, nameof(SetCustomVariable), nameof(name), name);
            (scope == CustomVariableScope.Visit ? _visitVariables : _pageVariables)[index] = new KeyValuePair<string, string>(name, value ?? "");
            return this;
        }

        /// <summary>Sets any other Tracking API parameter on the following hits, such as <c>pv_id</c> or <c>res</c>.</summary>
        /// <param name="name">The parameter's name.</param>
        /// <param name="value">Its value, sent as is (encoded).</param>
        /// <exception cref="ArgumentException">The name is missing, or names a parameter the library sets itself
        /// (<c>idsite</c>, <c>rec</c>, <c>_id</c>, <c>cid</c>, <c>uid</c>, <c>cip</c>, <c>cdt</c>, <c>token_auth</c> ...) under any
        /// spelling PHP reads as one of them, or one PHP drops.</exception>
        public MatomoTracker SetParameter(string name, string value)
        {
            ArgumentCheck.Required(Owner, nameof(SetParameter), nameof(name), name);
            // Judged as Matomo reads it, by PHP's name for it (" cip", "cip[]", "token.auth" are cip and token_auth):
            // the proxy's rule for the same parameters.
            string phpName = PhpParameterName.Normalize(name, out _);
            if (phpName == null || Array.IndexOf(OwnParameters, phpName.ToLowerInvariant()) >= 0)
                throw ArgumentCheck.Invalid(Owner, nameof(SetParameter), nameof(name),
                    "names a parameter the tracker sets itself (the visitor, the site, the time, the address or the token)");
            _parameters.Add(new KeyValuePair<string, string>(name, value ?? ""));
            return this;
        }

        private static readonly string[] OwnParameters =
            { "idsite", "rec", "apiv", "_id", "_idts", "cid", "uid", "cip", "cdt", "cdo", "token_auth", "country", "region", "city", "lat", "long", "send_image" };

        // ---- hits ----

        /// <summary>A page view (a page served without JavaScript, an API call): <c>action_name</c>.</summary>
        /// <param name="title">The page's title, or null.</param>
        public bool TrackPageView(string title = null) => Send(q => ServerHit.PageView(q, title));

        /// <summary>An event: <c>e_c</c>, <c>e_a</c>, <c>e_n</c>, <c>e_v</c>.</summary>
        /// <exception cref="ArgumentException">The category or action is missing, the name is empty, or the value is not finite.</exception>
        public bool TrackEvent(string category, string action, string name = null, double? value = null)
        {
            const string method = nameof(TrackEvent);
            ArgumentCheck.Required(Owner, method, nameof(category), category);
            ArgumentCheck.Required(Owner, method, nameof(action), action);
            ArgumentCheck.Optional(Owner, method, nameof(name), name);
            ArgumentCheck.Finite(Owner, method, nameof(value), value);
            return Send(q => ServerHit.Event(q, category, action, name, value));
        }

        /// <summary>A goal conversion: <c>idgoal</c>, <c>revenue</c>.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The id is below 1, or the revenue is negative.</exception>
        public bool TrackGoal(int goalId, decimal? revenue = null)
        {
            ArgumentCheck.GoalId(Owner, nameof(TrackGoal), nameof(goalId), goalId);
            ArgumentCheck.Money(Owner, nameof(TrackGoal), nameof(revenue), revenue);
            return Send(q => ServerHit.Goal(q, goalId, revenue));
        }

        /// <summary>A site search: <c>search</c>, <c>search_cat</c>, <c>search_count</c>.</summary>
        /// <exception cref="ArgumentException">The keyword is missing, the category empty, or the count negative.</exception>
        public bool TrackSiteSearch(string keyword, string category = null, int? resultsCount = null)
        {
            const string method = nameof(TrackSiteSearch);
            ArgumentCheck.Required(Owner, method, nameof(keyword), keyword);
            ArgumentCheck.Optional(Owner, method, nameof(category), category);
            ArgumentCheck.Count(Owner, method, nameof(resultsCount), resultsCount);
            return Send(q => ServerHit.SiteSearch(q, keyword, category, resultsCount));
        }

        /// <summary>A product page view (give the SKU) or a category page view (only the category): a page view with
        /// <c>_pks</c>, <c>_pkn</c>, <c>_pkc</c>, <c>_pkp</c>.</summary>
        /// <exception cref="ArgumentException">Neither SKU nor category, an empty one, a name without SKU, or a negative price.</exception>
        public bool TrackEcommerceView(string sku, string productName, string category, decimal? price = null, string title = null)
        {
            const string method = nameof(TrackEcommerceView);
            if (sku == null && category == null)
                throw ArgumentCheck.Missing(Owner, method, nameof(sku), "and the category are both null: give the SKU for a product, the category for a category page");
            ArgumentCheck.Optional(Owner, method, nameof(sku), sku);
            ArgumentCheck.Category(Owner, method, nameof(category), category);
            if (productName != null && sku == null) throw ArgumentCheck.Invalid(Owner, method, nameof(productName), "is given without a SKU: a category page has no product");
            ArgumentCheck.Optional(Owner, method, nameof(productName), productName);
            ArgumentCheck.Money(Owner, method, nameof(price), price);
            return Send(q =>
            {
                ServerHit.PageView(q, title);
                ServerHit.EcommerceView(q, sku, productName, category == null ? null : new[] { category }, price);
            });
        }

        /// <summary>A cart's new content: <c>idgoal=0</c>, <c>revenue</c>, <c>ec_items</c>.</summary>
        /// <exception cref="ArgumentException">No items (or a null one), or a negative total.</exception>
        public bool TrackEcommerceCartUpdate(IEnumerable<MatomoEcommerceItem> items, decimal grandTotal)
        {
            List<MatomoEcommerceItem> list = Items(nameof(TrackEcommerceCartUpdate), items, true);
            ArgumentCheck.Money(Owner, nameof(TrackEcommerceCartUpdate), nameof(grandTotal), grandTotal);
            return Send(q => ServerHit.CartUpdate(q, list, grandTotal));
        }

        /// <summary>An order (such as one a payment provider's webhook confirms): <c>ec_id</c>, the amounts, <c>ec_items</c>.
        /// Matomo counts an order id once.</summary>
        /// <exception cref="ArgumentException">The order id is missing, an item is null, or an amount negative.</exception>
        public bool TrackEcommerceOrder(string orderId, IEnumerable<MatomoEcommerceItem> items, decimal grandTotal,
            decimal? subTotal = null, decimal? tax = null, decimal? shipping = null, decimal? discount = null)
        {
            const string method = nameof(TrackEcommerceOrder);
            ArgumentCheck.Required(Owner, method, nameof(orderId), orderId);
            List<MatomoEcommerceItem> list = Items(method, items, false);
            ArgumentCheck.Money(Owner, method, nameof(grandTotal), grandTotal);
            ArgumentCheck.Money(Owner, method, nameof(subTotal), subTotal);
            ArgumentCheck.Money(Owner, method, nameof(tax), tax);
            ArgumentCheck.Money(Owner, method, nameof(shipping), shipping);
            ArgumentCheck.Money(Owner, method, nameof(discount), discount);
            return Send(q => ServerHit.Order(q, orderId, list, grandTotal, subTotal, tax, shipping, discount));
        }

        /// <summary>A click on a link to another site: <c>link</c>.</summary>
        /// <exception cref="ArgumentException">The URL is not absolute http(s).</exception>
        public bool TrackOutlink(string url)
        {
            CheckUrl(nameof(TrackOutlink), nameof(url), url);
            return Send(q => ServerHit.Link(q, false, url));
        }

        /// <summary>A download (such as a file the site served): <c>download</c>.</summary>
        /// <exception cref="ArgumentException">The URL is not absolute http(s).</exception>
        public bool TrackDownload(string url)
        {
            CheckUrl(nameof(TrackDownload), nameof(url), url);
            return Send(q => ServerHit.Link(q, true, url));
        }

        // ---- sending ----

        private bool Send(Action<TrackingQuery> write)
        {
            if (SkippedBecause != null)
            {
                _sink?.Skipped(SkippedBecause);
                return false;
            }
            TrackingQuery q = ServerHit.Begin(_visitor);
            write(q);
            ServerHit.Dimensions(q, _dimensions);
            ServerHit.Variables(q, false, _pageVariables);
            ServerHit.Variables(q, true, _visitVariables);
            foreach (KeyValuePair<string, string> p in _parameters) q.Add(p.Key, p.Value);
            try
            {
                return _sink != null && _sink.Accept(q.ToString(), _visitor.Address);
            }
            catch (Exception)
            {
                // The outbox never throws; should it, tracking must not take the caller down.
                return false;
            }
        }

        private static List<MatomoEcommerceItem> Items(string method, IEnumerable<MatomoEcommerceItem> items, bool required)
        {
            if (items == null)
            {
                if (required) throw ArgumentCheck.Missing(Owner, method, nameof(items), "is null");
                return null;
            }
            var list = new List<MatomoEcommerceItem>(items);
            if (list.Contains(null)) throw ArgumentCheck.Invalid(Owner, method, nameof(items), "holds a null item");
            if (required && list.Count == 0) throw ArgumentCheck.Invalid(Owner, method, nameof(items), "is empty: a cart update tracks the cart's items");
            return list;
        }

        private static void CheckUrl(string method, string argument, string url)
        {
            if (url == null) throw ArgumentCheck.Missing(Owner, method, argument, "is null");
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri uri) || uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                throw ArgumentCheck.Invalid(Owner, method, argument, "is not an absolute http or https URL");
        }
    }
}
