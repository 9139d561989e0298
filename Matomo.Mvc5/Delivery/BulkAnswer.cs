using System.Text.RegularExpressions;

namespace Matomo.Mvc5.Delivery
{
    /// <summary>What Matomo said of a bulk request: <c>{"status":"success","tracked":N,"invalid":M}</c> (either count may be missing).</summary>
    internal struct BulkAnswer
    {
        private static readonly Regex Tracked = new Regex("\"tracked\"\\s*:\\s*(\\d{1,9})", RegexOptions.CultureInvariant);
        private static readonly Regex Invalid = new Regex("\"invalid\"\\s*:\\s*(\\d{1,9})", RegexOptions.CultureInvariant);

        public int? TrackedCount;
        public int? InvalidCount;

        public static BulkAnswer Parse(string body)
        {
            var answer = new BulkAnswer();
            if (string.IsNullOrEmpty(body)) return answer;
            Match t = Tracked.Match(body), i = Invalid.Match(body);
            if (t.Success) answer.TrackedCount = int.Parse(t.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (i.Success) answer.InvalidCount = int.Parse(i.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            return answer;
        }
    }
}
