namespace Matomo.Mvc5.Rendering
{
    /// <summary>
    /// What one rendering of the snippet is made of: the request's page and the page read from ViewData (either may be
    /// null), and the verdicts the helper reached for this rendering (user id, suppression, nonce). Rendering changes
    /// none of them, so a page renders the same however often it is rendered.
    /// </summary>
    internal readonly struct SnippetInput
    {
        public SnippetInput(MatomoPage page, ViewDataScript viewData, string userId, MatomoSuppression suppression, string exclusionReason, string nonce)
        {
            Page = page;
            ViewData = viewData;
            UserId = userId;
            Suppression = suppression;
            ExclusionReason = exclusionReason;
            Nonce = string.IsNullOrEmpty(nonce) ? null : nonce;
        }

        /// <summary>The request's page (typed methods, lists set by code), or null.</summary>
        public MatomoPage Page { get; }

        /// <summary>The ViewData entries, read and encoded, or null.</summary>
        public ViewDataScript ViewData { get; }

        /// <summary>The user id to push, or null.</summary>
        public string UserId { get; }

        public MatomoSuppression Suppression { get; }

        public string ExclusionReason { get; }

        /// <summary>The CSP nonce, or null.</summary>
        public string Nonce { get; }
    }
}
