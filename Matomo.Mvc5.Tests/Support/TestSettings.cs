using System.Collections.Specialized;
using System.Linq;
using Matomo.Mvc5.Configuration;

namespace Matomo.Mvc5.Tests.Support
{
    /// <summary>Builds settings from key/value pairs, as web.config would.</summary>
    public static class TestSettings
    {
        public static MatomoSettings Create(params (string Key, string Value)[] pairs)
        {
            var collection = new NameValueCollection();
            foreach (var (key, value) in pairs) collection[key] = value;
            return MatomoSettings.FromAppSettings(collection);
        }

        /// <summary><paramref name="domainPath"/> and <paramref name="siteId"/> (null: unset), plus <paramref name="more"/>.</summary>
        public static MatomoSettings Site(string domainPath, string siteId, params (string Key, string Value)[] more) =>
            Create(new[] { (MatomoSettings.Keys.DomainPath, domainPath), (MatomoSettings.Keys.SiteId, siteId) }.Concat(more).ToArray());

        /// <summary>matomo.example.com and site 4, plus <paramref name="more"/>.</summary>
        public static MatomoSettings Basic(params (string Key, string Value)[] more) => Site("matomo.example.com", "4", more);
    }
}
