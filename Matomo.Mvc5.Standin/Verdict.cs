namespace Matomo.Mvc5.Standin
{
    /// <summary>
    /// What Matomo would make of one tracking request (a GET or form POST, or one entry of a bulk request), as
    /// <see cref="TrackingRules"/> judges it. Tests judge delivery by these, not by the answer: Matomo answers a request
    /// it excludes (no rec=1) as one it tracked, and a bulk request 200 whatever its entries.
    /// </summary>
    internal sealed class Verdict
    {
        /// <summary>Matomo records the request.</summary>
        public const string Tracked = "tracked";
        /// <summary>Counted as tracked in Matomo's answer but not recorded: rec missing or 0, or no parameters at all.</summary>
        public const string Excluded = "excluded";
        /// <summary>Refused: a single request is answered 400, a bulk entry is counted in "invalid".</summary>
        public const string Invalid = "invalid";
        /// <summary>Not tracked because the stand-in played a fault (error, unavailable, reset, an unreleased hang) instead of answering.</summary>
        public const string Failed = "failed";
        /// <summary>A bulk entry Matomo drops without counting it: a string with no query part ("idsite=1" without "?").</summary>
        public const string Skipped = "skipped";

        public Verdict() { }

        public Verdict(string outcome, string reason)
        {
            Outcome = outcome;
            Reason = reason;
        }

        /// <summary><see cref="Tracked"/>, <see cref="Excluded"/>, <see cref="Invalid"/>, <see cref="Failed"/> or <see cref="Skipped"/>.</summary>
        public string Outcome { get; set; }

        /// <summary>Why, unless tracked: Matomo's own message ("Tracker API 'cip' was used, requires valid token_auth").</summary>
        public string Reason { get; set; }

        public override string ToString() => Reason == null ? Outcome : Outcome + ": " + Reason;
    }
}
