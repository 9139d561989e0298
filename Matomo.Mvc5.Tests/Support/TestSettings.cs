using System.Collections.Specialized;

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

        /// <summary>matomo.example.com and site 4, plus <paramref name="more"/>.</summary>
        public static MatomoSettings Basic(params (string Key, string Value)[] more)
        {
            var pairs = new (string, string)[more.Length + 2];
            pairs[0] = (MatomoSettings.Keys.DomainPath, "matomo.example.com");
            pairs[1] = (MatomoSettings.Keys.SiteId, "4");
            more.CopyTo(pairs, 2);
            return Create(pairs);
        }
    }
}
