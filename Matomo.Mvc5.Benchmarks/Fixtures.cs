using System;
using System.Collections.Specialized;
using Matomo.Mvc5.Configuration;

namespace Matomo.Mvc5.Benchmarks
{
    /// <summary>The inputs every benchmark shares: settings parsed once, and the seed's full page.</summary>
    internal static class Fixtures
    {
        public const string DomainPath = "matomo.example.com";

        /// <summary>The three-hop X-Forwarded-For of the module benchmark: client, then two private-range proxies.</summary>
        public const string ThreeHopXForwardedFor = "203.0.113.7, 10.0.0.2, 192.168.1.1";

        public static MatomoSettings Settings(params string[] keyValues)
        {
            var appSettings = new NameValueCollection
            {
                { MatomoSettings.Keys.DomainPath, DomainPath },
                { MatomoSettings.Keys.SiteId, "4" },
            };
            for (int i = 0; i < keyValues.Length; i += 2) appSettings[keyValues[i]] = keyValues[i + 1];
            return MatomoSettings.FromAppSettings(appSettings);
        }

        /// <summary>The full page: an identity, the seed's three custom variables and two custom dimensions.</summary>
        public static MatomoPage FullPage()
        {
            var page = new MatomoPage { UserId = "lancelot@camelot.example" };
            page.CustomVariables.Add(new CustomVariable(1, "foo", "Sir Lancelot of Camelot"));
            page.CustomVariables.Add(new CustomVariable(2, "bar", "To seek the Holy Grail", CustomVariableScope.Page));
            page.CustomVariables.Add(new CustomVariable(3, "spam", "Blue", CustomVariableScope.Visit));
            page.CustomDimensions.Add(new CustomDimension(1, "Knights"));
            page.CustomDimensions.Add(new CustomDimension(2, "Round Table"));
            return page;
        }

        /// <summary>The same page as ViewData entries, the way a view sets them (ViewBag.matomo_vars, ...).</summary>
        public static System.Web.Mvc.ViewDataDictionary FullViewData() => new System.Web.Mvc.ViewDataDictionary
        {
            [MatomoViewData.Identity] = "lancelot@camelot.example",
            [MatomoViewData.Variables] = new object[]
            {
                Tuple.Create(1, "foo", "Sir Lancelot of Camelot"),
                Tuple.Create(2, "bar", "To seek the Holy Grail", "page"),
                Tuple.Create(3, "spam", "Blue", "visit"),
            },
            [MatomoViewData.Dimensions] = new System.Collections.Generic.Dictionary<int, string> { { 1, "Knights" }, { 2, "Round Table" } },
        };
    }
}
