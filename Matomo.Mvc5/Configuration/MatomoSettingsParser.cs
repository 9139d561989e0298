using System;
using System.Collections.Generic;
using System.Linq;

namespace Matomo.Mvc5.Configuration
{
    /// <summary>Reads every key of <see cref="SettingTable"/> once, checks the site's keys for typos of ours, and builds
    /// the immutable <see cref="MatomoSettings"/>.</summary>
    internal static class MatomoSettingsParser
    {
        /// <summary>
        /// Parses the keys that <paramref name="read"/> returns; <paramref name="allKeys"/> are checked for typos.
        /// <paramref name="applicationPath"/> is the site's virtual path (<c>/</c>, <c>/app</c>), which the proxy's
        /// public path starts with: passed in by the web layer, never read here.
        /// </summary>
        public static MatomoSettings Parse(Func<string, string> read, IEnumerable<string> allKeys, string applicationPath = "/")
        {
            foreach (string key in allKeys ?? Enumerable.Empty<string>())
            {
                string meant = SettingKeySpelling.LikelyMeant(key);
                if (meant != null) throw MatomoConfigurationException.UnknownKey(key, meant);
            }
            return new MatomoSettings(SettingValues.Read(read), applicationPath ?? "/");
        }
    }
}
