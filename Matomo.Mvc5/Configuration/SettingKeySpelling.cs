using System;

namespace Matomo.Mvc5.Configuration
{
    /// <summary>
    /// Tells a misspelt <c>matomo:</c> key from the site's own: a key is taken for a typo of one of ours only when it
    /// is within two edits of it (a letter dropped, added, changed or two swapped), or a cut-off start of it of four
    /// letters or more (<c>matomo:Domain</c>); a longer name that starts with ours is the site's own key
    /// (<c>matomo:SiteIdSecret</c> is not a typo of <c>matomo:SiteId</c>).
    /// </summary>
    internal static class SettingKeySpelling
    {
        private const string Prefix = "matomo:";

        /// <summary>The key <paramref name="key"/> was most likely meant to be, or <c>null</c> when it is ours or not a typo.</summary>
        public static string LikelyMeant(string key)
        {
            if (key == null || !key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return null;
            string exact = key.Substring(Prefix.Length).ToLowerInvariant();
            string name = exact.Trim(); // white space around a key is a typo too: the key is then never read
            foreach (string known in MatomoSettings.Keys.All)
            {
                if (!known.StartsWith(Prefix, StringComparison.Ordinal)) continue;
                string knownName = known.Substring(Prefix.Length).ToLowerInvariant();
                if (exact == knownName) return null; // ours, in any letter case
            }
            foreach (string known in MatomoSettings.Keys.All)
            {
                if (!known.StartsWith(Prefix, StringComparison.Ordinal)) continue;
                string knownName = known.Substring(Prefix.Length).ToLowerInvariant();
                bool extendsOurs = name.Length > knownName.Length && name.StartsWith(knownName, StringComparison.Ordinal);
                bool cutOff = name.Length >= 4 && name.Length < knownName.Length && knownName.StartsWith(name, StringComparison.Ordinal);
                if (cutOff || !extendsOurs && EditDistance(name, knownName, 2) <= 2) return known;
            }
            return null;
        }

        /// <summary>Optimal string alignment distance (insertions, deletions, substitutions, transpositions), or
        /// <paramref name="limit"/> + 1 once it is known to exceed it.</summary>
        internal static int EditDistance(string a, string b, int limit)
        {
            if (Math.Abs(a.Length - b.Length) > limit) return limit + 1;
            var d = new int[a.Length + 1, b.Length + 1];
            for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
            for (int j = 0; j <= b.Length; j++) d[0, j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                for (int j = 1; j <= b.Length; j++)
                {
                    int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                        d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
            return d[a.Length, b.Length];
        }
    }
}
