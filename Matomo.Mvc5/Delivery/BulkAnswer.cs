using System.Linq;
using System.Text.RegularExpressions;

namespace Matomo.Mvc5.Delivery
{
    /// <summary>What Matomo said of a bulk request: <c>{"status":"success","tracked":N,"invalid":M}</c> (either count may be
    /// missing), with <c>"invalid_indices":[i, ...]</c> when the token is a super user's.</summary>
    internal struct BulkAnswer
    {
        private static readonly Regex Tracked = new Regex("\"tracked\"\\s*:\\s*(\\d{1,9})", RegexOptions.CultureInvariant);
        private static readonly Regex Invalid = new Regex("\"invalid\"\\s*:\\s*(\\d{1,9})", RegexOptions.CultureInvariant);
        private static readonly Regex Indices = new Regex("\"invalid_indices\"\\s*:\\s*\\[\\s*((?:\\d{1,9}\\s*,\\s*)*\\d{1,9})?\\s*\\]", RegexOptions.CultureInvariant);

        public int? TrackedCount;
        public int? InvalidCount;
        /// <summary>The invalid entries' positions in the request, or null when Matomo did not say.</summary>
        public int[] InvalidIndices;

        public static BulkAnswer Parse(string body)
        {
            var answer = new BulkAnswer();
            if (string.IsNullOrEmpty(body)) return answer;
            Match t = Tracked.Match(body), i = Invalid.Match(body);
            if (t.Success) answer.TrackedCount = int.Parse(t.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (i.Success) answer.InvalidCount = int.Parse(i.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Match x = Indices.Match(body);
            if (x.Success)
                answer.InvalidIndices = x.Groups[1].Success
                    ? x.Groups[1].Value.Split(',').Select(v => int.Parse(v.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray()
                    : new int[0];
            return answer;
        }
    }
}
