using System.Collections.Generic;

namespace Matomo.Mvc5.Rendering
{
    /// <summary>
    /// The commands of <see cref="MatomoPage"/>'s typed methods, encoded through <see cref="CommandWriter"/> when they
    /// are called (the arguments were checked by the page): the state-setting ones, the tracking ones that follow the
    /// page view, and the site search that replaces <c>trackPageView</c>. Also the statements of custom variables and
    /// dimensions, which the page's lists, ViewData's and the typed methods share.
    /// </summary>
    internal sealed class TypedCommands
    {
        private static readonly string PageScopeTail = CommandWriter.Tail("page");
        private static readonly string VisitScopeTail = CommandWriter.Tail("visit");

        /// <summary>The state-setting commands, encoded, in call order; null until the first.</summary>
        public CharBuffer State { get; private set; }

        /// <summary>The tracking commands that follow the page view, encoded, in call order; null until the first.</summary>
        public CharBuffer Tracking { get; private set; }

        /// <summary>The <c>trackSiteSearch</c> statement that replaces <c>trackPageView</c>, or null.</summary>
        public string SiteSearch { get; private set; }

        private CharBuffer StateBuffer => State ?? (State = new CharBuffer(256));

        private CharBuffer TrackingBuffer => Tracking ?? (Tracking = new CharBuffer(256));

        // ---- shared statements ----

        /// <summary><c>_paq.push(["setCustomVariable", index, "name", "value", "scope"]);</c></summary>
        public static void WriteVariable(CharBuffer output, int index, string name, string value, CustomVariableScope scope)
        {
            CommandWriter.Begin(output, CommandName.SetCustomVariable);
            CommandWriter.Integer(output, index);
            CommandWriter.String(output, name);
            CommandWriter.String(output, value);
            CommandWriter.End(output, scope == CustomVariableScope.Visit ? VisitScopeTail : PageScopeTail);
        }

        /// <summary><c>_paq.push(["setCustomDimension", id, "value"]);</c></summary>
        public static void WriteDimension(CharBuffer output, int id, string value)
        {
            CommandWriter.Begin(output, CommandName.SetCustomDimension);
            CommandWriter.Integer(output, id);
            CommandWriter.String(output, value);
            CommandWriter.End(output);
        }

        /// <summary><c>_paq.push(["setUserId", "id"]);</c></summary>
        public static void WriteUserId(CharBuffer output, string userId)
        {
            CommandWriter.Begin(output, CommandName.SetUserId);
            CommandWriter.String(output, userId);
            CommandWriter.End(output);
        }

        // ---- state-setting commands ----

        public void Variable(int index, string name, string value, CustomVariableScope scope) => WriteVariable(StateBuffer, index, name, value, scope);

        public void Dimension(int id, string value) => WriteDimension(StateBuffer, id, value);

        public void DocumentTitle(string title) => OneString(StateBuffer, CommandName.SetDocumentTitle, title);

        public void CustomUrl(string url) => OneString(StateBuffer, CommandName.SetCustomUrl, url);

        /// <summary><c>setEcommerceView</c>: SKU, name (or <c>false</c>), one category or an array of them (or <c>false</c>), price if given.</summary>
        public void EcommerceView(string sku, string productName, string category, List<string> categories, decimal? price)
        {
            CharBuffer b = StateBuffer;
            CommandWriter.Begin(b, CommandName.SetEcommerceView);
            CommandWriter.StringOrFalse(b, sku);
            CommandWriter.StringOrFalse(b, productName);
            Category(b, category, categories);
            if (price.HasValue) CommandWriter.Decimal(b, price.Value);
            CommandWriter.End(b);
        }

        // ---- the page view ----

        /// <summary><c>trackSiteSearch</c>: keyword, then the category (or <c>false</c>) if a category or count follows, then the count.</summary>
        public void SiteSearchCommand(string keyword, string category, int? resultsCount)
        {
            var b = new CharBuffer(64 + keyword.Length + (category?.Length ?? 0));
            CommandWriter.Begin(b, CommandName.TrackSiteSearch);
            CommandWriter.String(b, keyword);
            if (category != null || resultsCount.HasValue) CommandWriter.StringOrFalse(b, category);
            if (resultsCount.HasValue) CommandWriter.Integer(b, resultsCount.Value);
            CommandWriter.End(b);
            SiteSearch = b.ToString();
        }

        // ---- tracking commands ----

        /// <summary><c>addEcommerceItem</c>: SKU, name (or <c>false</c>), category or categories (or <c>false</c>), price, quantity.</summary>
        public void Item(string sku, string productName, string category, List<string> categories, decimal price, int quantity)
        {
            CharBuffer b = TrackingBuffer;
            CommandWriter.Begin(b, CommandName.AddEcommerceItem);
            CommandWriter.String(b, sku);
            CommandWriter.StringOrFalse(b, productName);
            Category(b, category, categories);
            CommandWriter.Decimal(b, price);
            CommandWriter.Integer(b, quantity);
            CommandWriter.End(b);
        }

        public void CartUpdate(decimal grandTotal)
        {
            CharBuffer b = TrackingBuffer;
            CommandWriter.Begin(b, CommandName.TrackEcommerceCartUpdate);
            CommandWriter.Decimal(b, grandTotal);
            CommandWriter.End(b);
        }

        /// <summary>
        /// <c>trackEcommerceOrder</c>: id and total, then the optional amounts up to the last one given, those left out
        /// before it as <c>false</c> (Matomo's own convention).
        /// </summary>
        public void Order(string orderId, decimal grandTotal, decimal? subTotal, decimal? tax, decimal? shipping, decimal? discount)
        {
            CharBuffer b = TrackingBuffer;
            CommandWriter.Begin(b, CommandName.TrackEcommerceOrder);
            CommandWriter.String(b, orderId);
            CommandWriter.Decimal(b, grandTotal);
            int last = discount.HasValue ? 4 : shipping.HasValue ? 3 : tax.HasValue ? 2 : subTotal.HasValue ? 1 : 0;
            if (last >= 1) CommandWriter.DecimalOrFalse(b, subTotal);
            if (last >= 2) CommandWriter.DecimalOrFalse(b, tax);
            if (last >= 3) CommandWriter.DecimalOrFalse(b, shipping);
            if (last >= 4) CommandWriter.DecimalOrFalse(b, discount);
            CommandWriter.End(b);
        }

        public void Goal(int goalId, decimal? revenue)
        {
            CharBuffer b = TrackingBuffer;
            CommandWriter.Begin(b, CommandName.TrackGoal);
            CommandWriter.Integer(b, goalId);
            if (revenue.HasValue) CommandWriter.Decimal(b, revenue.Value);
            CommandWriter.End(b);
        }

        /// <summary><c>trackEvent</c>: category, action, then the name, and the value if given (after <c>undefined</c> when there is no name).</summary>
        public void Event(string category, string action, string name, double? value)
        {
            CharBuffer b = TrackingBuffer;
            CommandWriter.Begin(b, CommandName.TrackEvent);
            CommandWriter.String(b, category);
            CommandWriter.String(b, action);
            // Matomo sends a name that is not undefined, even null (as "null"): a value without a name needs undefined.
            if (name != null) CommandWriter.String(b, name);
            else if (value.HasValue) CommandWriter.Undefined(b);
            if (value.HasValue) CommandWriter.Double(b, value.Value);
            CommandWriter.End(b);
        }

        private static void OneString(CharBuffer b, CommandName method, string value)
        {
            CommandWriter.Begin(b, method);
            CommandWriter.String(b, value);
            CommandWriter.End(b);
        }

        private static void Category(CharBuffer b, string category, List<string> categories)
        {
            if (categories == null) CommandWriter.StringOrFalse(b, category);
            else CommandWriter.StringArray(b, categories);
        }
    }
}
