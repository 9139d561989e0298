using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Matomo.Mvc5.Standin
{
    /// <summary>
    /// Whether Matomo would track one tracking request, after matomo-org/matomo (5.x): Visit::handle checks the site
    /// (core/Tracker/Request.php getIdSite), then the fields only an authenticated request may set
    /// (Visit::$fieldsThatRequireAuth: city, region, country, lat, long), then a custom timestamp (getCustomTimestamp:
    /// cdt, or cdo, older than tracking_requests_require_authentication_when_custom_timestamp_newer_than, 86400 s by
    /// default), then the visitor's address (getIpString: cip), and last excludes a request without rec
    /// (VisitExcluded). Authenticated means a token_auth with admin, write or super user access (here: the stand-in's
    /// one token); for a bulk entry it is the bulk body's token_auth, else the entry's own.
    /// <para>Values are read as Matomo's Common::getRequestVar reads them: an empty string is absent, "0" is empty
    /// (PHP's empty()), an int must be a numeric string equal to its integer part.</para>
    /// <para>Not modelled: bot detection, excluded IPs and user agents, delete_logs_older_than, a token with view
    /// access only, the HTML entities getRequestVar decodes ("&amp;#49;" is 1), strtotime's relative dates, Matomo
    /// before 3.0 (there a cdt older than 4 hours without a token was ignored, not refused).</para>
    /// </summary>
    internal static class TrackingRules
    {
        /// <summary>tracking_requests_require_authentication_when_custom_timestamp_newer_than's default (config/global.ini.php).</summary>
        public const long CustomTimestampWithoutTokenSeconds = 86400;

        /// <summary>Request::isTimestampValid: not in the future, and newer than 20 years.</summary>
        private const long OldestValidTimestampSeconds = 20L * 365 * 86400;

        private static readonly string[] FieldsThatRequireAuth = { "city", "region", "country", "lat", "long" };

        private static readonly Regex Numeric = new Regex(@"^[ \t\n\r\v\f]*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t\n\r\v\f]*$", RegexOptions.CultureInvariant);

        /// <param name="parameters">The request's parameters as Matomo reads them.</param>
        /// <param name="bulkToken">A bulk body's token_auth, null for a single request.</param>
        /// <param name="settings">The stand-in's token and sites.</param>
        /// <param name="now">When the request arrived, in Unix seconds.</param>
        public static Verdict Judge(IReadOnlyDictionary<string, string> parameters, string bulkToken, TrackerSettings settings, long now)
        {
            if (parameters.Count == 0) return new Verdict(Verdict.Excluded, "the request is empty");
            string Get(string name) => parameters.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
            bool Authenticated()
            {
                var token = !IsEmpty(bulkToken) ? bulkToken : Get("token_auth");
                return !IsEmpty(token) && token == settings.Token;
            }

            long idSite = Int(Get("idsite"));
            if (!settings.SiteExists(idSite)) return new Verdict(Verdict.Invalid, "Invalid idSite: '" + idSite.ToString(CultureInfo.InvariantCulture) + "'");
            foreach (var field in FieldsThatRequireAuth)
                if (!IsEmpty(Get(field)) && !Authenticated())
                    return new Verdict(Verdict.Invalid, "Tracker API '" + field + "' was used, requires valid token_auth");
            var age = CustomTimestampAge(Get("cdt"), parameters.ContainsKey("cdt") || parameters.ContainsKey("cdo"), Int(Get("cdo")), now);
            if (age.HasValue && !(age.Value < CustomTimestampWithoutTokenSeconds) && !Authenticated())
                return new Verdict(Verdict.Invalid, "Custom timestamp is " + age.Value.ToString("0.##########", CultureInfo.InvariantCulture)
                                                    + " seconds old, requires &token_auth...");
            if (!IsEmpty(Get("cip")) && !Authenticated())
                return new Verdict(Verdict.Invalid, "Tracker API 'cip' was used, requires valid token_auth");
            if (Int(Get("rec")) == 0) return new Verdict(Verdict.Excluded, "rec missing or 0: Matomo tracks only requests with rec=1");
            return new Verdict(Verdict.Tracked, null);
        }

        /// <summary>
        /// Request::getCustomTimestamp: how many seconds before <paramref name="now"/> the request says it happened, or
        /// null when it names no valid time (then Matomo uses the time of arrival, whatever the token).
        /// </summary>
        private static double? CustomTimestampAge(string cdtText, bool present, long cdo, long now)
        {
            if (!present) return null;
            double cdt;
            if (IsEmpty(cdtText))
            {
                if (cdo == 0) return null;
                cdt = now;
            }
            else if (IsNumeric(cdtText)) cdt = Number(cdtText);
            else cdt = StrToTime(cdtText) ?? 0; // strtotime's false counts as 0: never a valid time
            if (cdo != 0) cdt -= Math.Abs((double)cdo);
            if (!(cdt <= now && cdt > now - OldestValidTimestampSeconds)) return null;
            return now - cdt;
        }

        /// <summary>
        /// Unix seconds of a date as strtotime reads it in UTC (the tracker's time zone), for the usual absolute forms
        /// ("2024-05-01 10:00:00", ISO 8601 with or without an offset, RFC 1123, "2024-05-01"); null when it cannot
        /// read it. strtotime's relative forms ("yesterday", "+1 day", "@1700000000") are not read: null.
        /// </summary>
        internal static double? StrToTime(string text) =>
            DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
                ? Math.Floor((time - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds) // whole seconds, as strtotime
                : (double?)null;

        /// <summary>PHP's empty() of a string: null, "" or "0".</summary>
        public static bool IsEmpty(string value) => string.IsNullOrEmpty(value) || value == "0";

        /// <summary>getRequestVar(name, 0, 'int'): the value when <c>$value == (string)(int)$value</c>, else 0.</summary>
        public static long Int(string value)
        {
            if (value == null || !IsNumeric(value)) return 0;
            double d = Number(value);
            return d == Math.Truncate(d) && Math.Abs(d) < 9.2e18 ? (long)d : 0;
        }

        /// <summary>PHP 8's is_numeric() of a string: white space around a decimal or exponent number.</summary>
        public static bool IsNumeric(string value) => Numeric.IsMatch(value);

        /// <summary>The value of a numeric string; beyond double's range, an infinity as in PHP.</summary>
        private static double Number(string numeric)
        {
            string text = numeric.Trim(' ', '\t', '\n', '\r', '\v', '\f');
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
            return text.StartsWith("-", StringComparison.Ordinal) ? double.NegativeInfinity : double.PositiveInfinity;
        }
    }
}
