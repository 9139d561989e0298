using System;
using System.Collections.Generic;

namespace Matomo.Mvc5.Standin
{
    /// <summary>application/x-www-form-urlencoded, as in a query string or a tracking request's POST body.</summary>
    internal static class FormData
    {
        /// <summary>
        /// The name/value pairs of <paramref name="encoded"/> ("a=1&amp;b=%C3%A9", a leading "?" ignored), decoded
        /// ("+" is a space); a later pair of the same name replaces an earlier one, as PHP does.
        /// </summary>
        public static Dictionary<string, string> Parse(string encoded, Dictionary<string, string> into = null)
        {
            var result = into ?? new Dictionary<string, string>(StringComparer.Ordinal);
            if (string.IsNullOrEmpty(encoded)) return result;
            if (encoded[0] == '?') encoded = encoded.Substring(1);
            foreach (var pair in encoded.Split('&'))
            {
                if (pair.Length == 0) continue;
                int eq = pair.IndexOf('=');
                string name = Decode(eq < 0 ? pair : pair.Substring(0, eq));
                string value = eq < 0 ? "" : Decode(pair.Substring(eq + 1));
                result[name] = value;
            }
            return result;
        }

        private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
    }
}
