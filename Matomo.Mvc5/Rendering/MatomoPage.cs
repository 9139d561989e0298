using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using Matomo.Mvc5.Rendering;

namespace Matomo.Mvc5
{
    /// <summary>
    /// Everything one page tells Matomo beyond the site's settings: the one per-request object. In a web application
    /// reach it with <c>HttpContextBase.GetMatomoPage()</c>, so that controllers, action filters, child actions and
    /// views all add to the same page; <c>@Html.Matomo()</c> renders it, together with the page's ViewData entries.
    /// </summary>
    /// <remarks>
    /// <para>The methods are named after the tracker's own. Each checks its arguments when it is called (the exception
    /// names the method and the argument) and encodes its command at once, culture-invariant, through the one
    /// JavaScript encoder: nothing given here reaches the page unencoded, and a later change of culture or of an
    /// argument object cannot change what was recorded.</para>
    /// <para>The order on the page: (1) state-setting commands (custom variables, user id, custom dimensions, then the
    /// typed state commands in call order: title, URL, ecommerce view, ...), then <see cref="Commands"/>
    /// (<c>matomo_commands</c>); the site's settings (cookies, consent, Do Not Track, domains, ...); (2)
    /// <c>trackPageView</c>, or <c>trackSiteSearch</c> instead of it; (3) the tracking commands in call order (ecommerce
    /// items, cart updates, orders, goals, events); then link tracking, the heart beat and the loader.</para>
    /// <para>Not thread-safe: one request, one thread at a time.</para>
    /// </remarks>
    public sealed class MatomoPage
    {
        /// <summary>The most product categories Matomo keeps for a product or category view.</summary>
        public const int MaxEcommerceCategories = 5;

        private static readonly Regex Scheme = new Regex("^[A-Za-z][A-Za-z0-9+.-]*:", RegexOptions.CultureInvariant);

        internal readonly List<CustomVariable> VariableList = new List<CustomVariable>();
        internal readonly List<CustomDimension> DimensionList = new List<CustomDimension>();
        internal readonly List<MatomoCommand> CommandList = new List<MatomoCommand>();

        /// <summary>The typed methods' commands, encoded; null until the first.</summary>
        private TypedCommands _typed;

        /// <summary>How many opt-out controls this page has rendered (their element ids count up).</summary>
        internal int OptOutCount;

        private string _userId;

        /// <summary>
        /// The page's user id (<c>setUserId</c>), or <c>null</c>. Once set (here, by <see cref="SetUserId"/> or by
        /// <see cref="ResetUserId"/>) it decides the user id over the automatic identity of
        /// <c>analytical:AutoIdentify</c>, even when null; an explicit <c>matomo_identity</c> or
        /// <c>analytical_identity</c> ViewData entry wins over it. <see cref="SetUserId"/> is the checked way to set it.
        /// </summary>
        public string UserId
        {
            get => _userId;
            set
            {
                _userId = value;
                UserIdDecided = true;
                ResetsUserId = false;
            }
        }

        /// <summary>Whether the page decided its user id (<see cref="UserId"/>, <see cref="SetUserId"/>, <see cref="ResetUserId"/>).</summary>
        internal bool UserIdDecided { get; private set; }

        /// <summary>Whether <see cref="ResetUserId"/> was the last word on the user id.</summary>
        internal bool ResetsUserId { get; private set; }

        /// <summary>The CSP nonce for the script element, or <c>null</c>.</summary>
        public string Nonce { get; set; }

        /// <summary>Whether and why the snippet is commented out.</summary>
        public MatomoSuppression Suppression { get; set; }

        /// <summary>Why this request is excluded (see <see cref="Exclude"/>), or <c>null</c>.</summary>
        public string ExclusionReason { get; private set; }

        /// <summary>Custom variables in their list form (what <c>matomo_vars</c> gives), in order.</summary>
        public IList<CustomVariable> CustomVariables => VariableList;

        /// <summary>Custom dimensions in their list form (what <c>matomo_dimensions</c> gives), in order.</summary>
        public IList<CustomDimension> CustomDimensions => DimensionList;

        /// <summary>Commands pushed before the site's settings and <c>trackPageView</c> (what <c>matomo_commands</c> gives), in order.</summary>
        public IList<MatomoCommand> Commands => CommandList;

        /// <summary>The typed methods' commands, or null when none was called.</summary>
        internal TypedCommands TypedCommands => _typed;

        private TypedCommands Typed => _typed ?? (_typed = new TypedCommands());

        // ---- identity ----

        /// <summary>Identifies the visitor on this page: <c>setUserId</c>.</summary>
        /// <param name="userId">The user id Matomo records, such as the account's e-mail address or number.</param>
        /// <exception cref="ArgumentException"><paramref name="userId"/> is null or empty.</exception>
        public void SetUserId(string userId)
        {
            if (string.IsNullOrEmpty(userId))
                throw Invalid(nameof(SetUserId), nameof(userId), "is null or empty; to stop identifying the visitor after sign-out, call ResetUserId()");
            UserId = userId;
        }

        /// <summary>
        /// For the page after sign-out: pushes <c>resetUserId</c> and starts a new visit with this page view, as
        /// Matomo advises (<c>appendToTrackingUrl</c> <c>new_visit=1</c> for the page view only). No user id is sent,
        /// not even the automatic one.
        /// </summary>
        public void ResetUserId()
        {
            UserId = null;
            ResetsUserId = true;
        }

        // ---- state-setting commands ----

        /// <summary>Sets a custom dimension for this page view: <c>setCustomDimension</c>.</summary>
        /// <param name="id">The dimension id in Matomo, 1 or more.</param>
        /// <param name="value">The value; an empty string clears it.</param>
        /// <exception cref="ArgumentException">The id is below 1, or the value is null.</exception>
        public void SetCustomDimension(int id, string value)
        {
            const string method = nameof(SetCustomDimension);
            if (id < 1) throw OutOfRange(method, nameof(id), "must be 1 or more (a dimension id in Matomo)");
            if (value == null) throw Missing(method, nameof(value), "is null; an empty string clears the dimension");
            Typed.Dimension(id, value);
        }

        /// <summary>Sets a custom variable: <c>setCustomVariable</c>.</summary>
        /// <param name="index">The slot, 1 or more (Matomo has 5 per scope by default).</param>
        /// <param name="name">The variable's name.</param>
        /// <param name="value">The variable's value.</param>
        /// <param name="scope">Page (default) or visit.</param>
        /// <exception cref="ArgumentException">The index is below 1, the name or value is null, or the scope is not one of the enumeration.</exception>
        public void SetCustomVariable(int index, string name, string value, CustomVariableScope scope = CustomVariableScope.Page)
        {
            const string method = nameof(SetCustomVariable);
            if (index < 1) throw OutOfRange(method, nameof(index), "must be 1 or more");
            if (name == null) throw Missing(method, nameof(name), "is null");
            if (value == null) throw Missing(method, nameof(value), "is null");
            if (scope != CustomVariableScope.Page && scope != CustomVariableScope.Visit) throw OutOfRange(method, nameof(scope), "must be Page or Visit");
            Typed.Variable(index, name, value, scope);
        }

        /// <summary>Sets the title Matomo records for this page view: <c>setDocumentTitle</c>.</summary>
        /// <exception cref="ArgumentNullException">The title is null.</exception>
        public void SetDocumentTitle(string title)
        {
            if (title == null) throw Missing(nameof(SetDocumentTitle), nameof(title), "is null");
            Typed.DocumentTitle(title);
        }

        /// <summary>Sets the URL Matomo records for this page view instead of the browser's: <c>setCustomUrl</c>.</summary>
        /// <param name="url">An absolute http or https URL, or a relative one such as <c>/shop/checkout/done</c>.</param>
        /// <exception cref="ArgumentException">The URL is null, empty, holds control characters or has another scheme.</exception>
        public void SetCustomUrl(string url)
        {
            const string method = nameof(SetCustomUrl);
            if (string.IsNullOrWhiteSpace(url)) throw Missing(method, nameof(url), "is null, empty or white space");
            foreach (char c in url)
                if (char.IsControl(c)) throw Invalid(method, nameof(url), "holds a control character");
            Match scheme = Scheme.Match(url);
            if (scheme.Success && !scheme.Value.Equals("http:", StringComparison.OrdinalIgnoreCase) && !scheme.Value.Equals("https:", StringComparison.OrdinalIgnoreCase))
                throw Invalid(method, nameof(url), "must be an http or https URL, or a relative one");
            Typed.CustomUrl(url);
        }

        /// <summary>
        /// Marks this page view as a product or category view: <c>setEcommerceView</c>. For a product page give the SKU
        /// (and name); for a category page only the category.
        /// </summary>
        /// <param name="sku">The product's SKU, or null on a category page.</param>
        /// <param name="productName">The product's name, or null.</param>
        /// <param name="category">The category, or null.</param>
        /// <param name="price">The product's price, or null.</param>
        /// <exception cref="ArgumentException">Neither SKU nor category is given, a given one is empty, or the price is negative.</exception>
        public void SetEcommerceView(string sku, string productName, string category, decimal? price)
        {
            const string method = nameof(SetEcommerceView);
            CheckEcommerceView(method, sku, productName, category != null, price);
            if (category != null) Category(method, nameof(category), category);
            Typed.EcommerceView(sku, productName, category, null, price);
        }

        /// <summary>
        /// <see cref="SetEcommerceView(string, string, string, decimal?)"/> for a product or category in up to five
        /// categories (Matomo's limit).
        /// </summary>
        /// <param name="sku">The product's SKU, or null on a category page.</param>
        /// <param name="productName">The product's name, or null.</param>
        /// <param name="categories">One to five categories, such as <c>new[] { "Books", "Adventure" }</c>.</param>
        /// <param name="price">The product's price, or null.</param>
        /// <exception cref="ArgumentException">As for one category; or no category, more than five, or an empty one.</exception>
        public void SetEcommerceView<TCategories>(string sku, string productName, TCategories categories, decimal? price)
            where TCategories : IEnumerable<string>
        {
            const string method = nameof(SetEcommerceView);
            CheckEcommerceView(method, sku, productName, categories != null, price);
            List<string> list = categories == null ? null : Categories(method, categories);
            Typed.EcommerceView(sku, productName, null, list, price);
        }

        private static void CheckEcommerceView(string method, string sku, string productName, bool hasCategory, decimal? price)
        {
            if (sku == null && !hasCategory)
                throw Missing(method, nameof(sku), "and the category are both null: give the SKU on a product page, the category on a category page");
            if (sku != null && string.IsNullOrWhiteSpace(sku)) throw Invalid(method, nameof(sku), "is empty or white space");
            if (productName != null && sku == null) throw Invalid(method, nameof(productName), "is given without a SKU: a category page has no product");
            if (price.HasValue) Money(method, nameof(price), price.Value);
        }

        // ---- the page view ----

        /// <summary>
        /// Records this page view as a site search: <c>trackSiteSearch</c> is pushed instead of <c>trackPageView</c>.
        /// Called again, the last call wins.
        /// </summary>
        /// <param name="keyword">What the visitor searched for.</param>
        /// <param name="category">The search category, or null.</param>
        /// <param name="resultsCount">How many results the search found, or null when unknown.</param>
        /// <exception cref="ArgumentException">The keyword is null, empty or white space; the category is empty; the count is negative.</exception>
        public void TrackSiteSearch(string keyword, string category = null, int? resultsCount = null)
        {
            const string method = nameof(TrackSiteSearch);
            Required(method, nameof(keyword), keyword);
            if (category != null) Required(method, nameof(category), category);
            if (resultsCount < 0) throw OutOfRange(method, nameof(resultsCount), "must be 0 or more");
            Typed.SiteSearchCommand(keyword, category, resultsCount);
        }

        // ---- tracking commands, after the page view ----

        /// <summary>Adds a product to the cart or order tracked next: <c>addEcommerceItem</c>. Matomo keeps one item per SKU: the last one added.</summary>
        /// <param name="sku">The product's SKU.</param>
        /// <param name="productName">The product's name, or null.</param>
        /// <param name="category">The product's category, or null.</param>
        /// <param name="price">The unit price, 0 or more.</param>
        /// <param name="quantity">How many, 1 or more.</param>
        /// <exception cref="ArgumentException">The SKU is missing, a name or category is empty, the price is negative or the quantity below 1.</exception>
        public void AddEcommerceItem(string sku, string productName, string category, decimal price, int quantity)
        {
            const string method = nameof(AddEcommerceItem);
            CheckItem(method, sku, productName, price, quantity);
            Category(method, nameof(category), category);
            Typed.Item(sku, productName, category, null, price, quantity);
        }

        /// <summary><see cref="AddEcommerceItem(string, string, string, decimal, int)"/> for a product in up to five categories.</summary>
        /// <param name="sku">The product's SKU.</param>
        /// <param name="productName">The product's name, or null.</param>
        /// <param name="categories">One to five categories, or null.</param>
        /// <param name="price">The unit price, 0 or more.</param>
        /// <param name="quantity">How many, 1 or more.</param>
        /// <exception cref="ArgumentException">As for one category; or no category, more than five, or an empty one.</exception>
        public void AddEcommerceItem<TCategories>(string sku, string productName, TCategories categories, decimal price, int quantity)
            where TCategories : IEnumerable<string>
        {
            const string method = nameof(AddEcommerceItem);
            CheckItem(method, sku, productName, price, quantity);
            List<string> list = categories == null ? null : Categories(method, categories);
            Typed.Item(sku, productName, null, list, price, quantity);
        }

        /// <summary>
        /// Adds <paramref name="item"/> to the cart or order tracked next: <c>addEcommerceItem</c>. The same item serves
        /// <c>MatomoTracker.TrackEcommerceOrder</c> on the server.
        /// </summary>
        /// <param name="item">The product line, checked when it was made.</param>
        /// <exception cref="ArgumentNullException"><paramref name="item"/> is null.</exception>
        public void AddEcommerceItem(MatomoEcommerceItem item)
        {
            if (item == null) throw Missing(nameof(AddEcommerceItem), nameof(item), "is null");
            IReadOnlyList<string> c = item.Categories;
            if (c.Count <= 1) Typed.Item(item.Sku, item.ProductName, c.Count == 0 ? null : c[0], null, item.Price, item.Quantity);
            else Typed.Item(item.Sku, item.ProductName, null, new List<string>(c), item.Price, item.Quantity);
        }

        private static void CheckItem(string method, string sku, string productName, decimal price, int quantity)
        {
            Required(method, nameof(sku), sku);
            if (productName != null) Required(method, nameof(productName), productName);
            Money(method, nameof(price), price);
            if (quantity < 1) throw OutOfRange(method, nameof(quantity), "must be 1 or more");
        }

        /// <summary>Tracks the cart's new content (the items added before): <c>trackEcommerceCartUpdate</c>.</summary>
        /// <param name="grandTotal">The cart's total, 0 or more.</param>
        /// <exception cref="ArgumentOutOfRangeException">The total is negative.</exception>
        public void TrackEcommerceCartUpdate(decimal grandTotal)
        {
            Money(nameof(TrackEcommerceCartUpdate), nameof(grandTotal), grandTotal);
            Typed.CartUpdate(grandTotal);
        }

        /// <summary>Tracks an order of the items added before: <c>trackEcommerceOrder</c>.</summary>
        /// <param name="orderId">The order's unique id (Matomo counts an order id once).</param>
        /// <param name="grandTotal">The order's total (revenue), 0 or more.</param>
        /// <param name="subTotal">The total without tax, shipping and discount, or null.</param>
        /// <param name="tax">The tax, or null.</param>
        /// <param name="shipping">The shipping cost, or null.</param>
        /// <param name="discount">The discount (a positive amount), or null.</param>
        /// <exception cref="ArgumentException">The order id is missing, or an amount is negative.</exception>
        public void TrackEcommerceOrder(string orderId, decimal grandTotal, decimal? subTotal = null, decimal? tax = null, decimal? shipping = null, decimal? discount = null)
        {
            const string method = nameof(TrackEcommerceOrder);
            Required(method, nameof(orderId), orderId);
            Money(method, nameof(grandTotal), grandTotal);
            if (subTotal.HasValue) Money(method, nameof(subTotal), subTotal.Value);
            if (tax.HasValue) Money(method, nameof(tax), tax.Value);
            if (shipping.HasValue) Money(method, nameof(shipping), shipping.Value);
            if (discount.HasValue) Money(method, nameof(discount), discount.Value);
            Typed.Order(orderId, grandTotal, subTotal, tax, shipping, discount);
        }

        /// <summary>Tracks a conversion of a goal: <c>trackGoal</c>.</summary>
        /// <param name="goalId">The goal's id in Matomo, 1 or more.</param>
        /// <param name="revenue">The conversion's revenue, or null for the goal's default.</param>
        /// <exception cref="ArgumentOutOfRangeException">The id is below 1, or the revenue is negative.</exception>
        public void TrackGoal(int goalId, decimal? revenue = null)
        {
            const string method = nameof(TrackGoal);
            if (goalId < 1) throw OutOfRange(method, nameof(goalId), "must be 1 or more (a goal id in Matomo)");
            if (revenue.HasValue) Money(method, nameof(revenue), revenue.Value);
            Typed.Goal(goalId, revenue);
        }

        /// <summary>Tracks an event: <c>trackEvent</c>.</summary>
        /// <param name="category">The event's category, such as <c>Videos</c>.</param>
        /// <param name="action">The event's action, such as <c>Play</c>.</param>
        /// <param name="name">The event's name, or null.</param>
        /// <param name="value">A number, or null.</param>
        /// <exception cref="ArgumentException">The category or action is missing, the name is empty, or the value is not a finite number.</exception>
        public void TrackEvent(string category, string action, string name = null, double? value = null)
        {
            const string method = nameof(TrackEvent);
            Required(method, nameof(category), category);
            Required(method, nameof(action), action);
            if (name != null) Required(method, nameof(name), name);
            if (value.HasValue && (double.IsNaN(value.Value) || double.IsInfinity(value.Value)))
                throw OutOfRange(method, nameof(value), "must be a finite number");
            Typed.Event(category, action, name, value);
        }

        // ---- exclusion ----

        /// <summary>
        /// This request is not tracked: the snippet is rendered commented out, with the reason and without the user
        /// id, as for internal addresses. The first reason given is the one shown.
        /// </summary>
        /// <param name="reason">Why, in words for the page's source, such as <c>load test</c>. Never put the user's name or other personal data here.</param>
        /// <exception cref="ArgumentException">The reason is null, empty or white space.</exception>
        public void Exclude(string reason)
        {
            Required(nameof(Exclude), nameof(reason), reason);
            if (Suppression == MatomoSuppression.Excluded && ExclusionReason != null) return;
            Suppression = MatomoSuppression.Excluded;
            ExclusionReason = reason;
        }

        // ---- checks: the rules MatomoTracker shares ----

        private const string Owner = nameof(MatomoPage);

        private static void Required(string method, string argument, string value) => ArgumentCheck.Required(Owner, method, argument, value);

        private static void Money(string method, string argument, decimal value) => ArgumentCheck.Money(Owner, method, argument, value);

        private static void Category(string method, string argument, string category) => ArgumentCheck.Category(Owner, method, argument, category);

        private static List<string> Categories(string method, IEnumerable<string> categories) =>
            ArgumentCheck.Categories(Owner, method, nameof(categories), categories);

        private static ArgumentException Invalid(string method, string argument, string problem) => ArgumentCheck.Invalid(Owner, method, argument, problem);

        private static ArgumentNullException Missing(string method, string argument, string problem) => ArgumentCheck.Missing(Owner, method, argument, problem);

        private static ArgumentOutOfRangeException OutOfRange(string method, string argument, string problem) => ArgumentCheck.OutOfRange(Owner, method, argument, problem);
    }
}
