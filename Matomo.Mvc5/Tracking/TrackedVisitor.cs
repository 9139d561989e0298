namespace Matomo.Mvc5.Tracking
{
    /// <summary>
    /// Who a server-side hit is for, and from where: the browser's visitor (from its <c>_pk_id</c> cookie), the user id,
    /// the request's page, referrer, user agent and languages, and the visitor's address as the module resolved it
    /// (which the outbox sends as <c>cip</c>, and only with a token). Plain data, built by the web layer.
    /// </summary>
    internal sealed class TrackedVisitor
    {
        internal TrackedVisitor(int siteId, string visitorId, long? visitorCreatedSeconds, string userId, string url, string referrer,
            string userAgent, string languages, string address, bool visitorIdForced = false)
        {
            VisitorIdForced = visitorIdForced && visitorId != null;
            SiteId = siteId;
            VisitorId = visitorId;
            VisitorCreatedSeconds = visitorCreatedSeconds;
            UserId = userId;
            Url = url;
            Referrer = referrer;
            UserAgent = userAgent;
            Languages = languages;
            Address = address;
        }

        /// <summary><c>idsite</c>.</summary>
        public int SiteId { get; }

        /// <summary><c>_id</c>: 16 hex digits, or null (no cookie, or cookies not consented to).</summary>
        public string VisitorId { get; }

        /// <summary>
        /// The site named the visitor itself (a webhook's kept id): sent as <c>cid</c> too, so that Matomo looks the
        /// visit up by this id alone (VisitorRecognizer), not also by the request's own address and browser.
        /// </summary>
        public bool VisitorIdForced { get; }

        /// <summary><c>_idts</c>: when the visitor's cookie was created, or null.</summary>
        public long? VisitorCreatedSeconds { get; }

        /// <summary><c>uid</c>, or null.</summary>
        public string UserId { get; }

        /// <summary><c>url</c>, or null.</summary>
        public string Url { get; }

        /// <summary><c>urlref</c>, or null.</summary>
        public string Referrer { get; }

        /// <summary><c>ua</c>, or null.</summary>
        public string UserAgent { get; }

        /// <summary><c>lang</c> (the request's <c>Accept-Language</c>), or null.</summary>
        public string Languages { get; }

        /// <summary>The visitor's address, or null: never a parameter of the hit itself (see the outbox).</summary>
        public string Address { get; }

        /// <summary>The same visitor on another site.</summary>
        internal TrackedVisitor ForSite(int siteId) =>
            new TrackedVisitor(siteId, VisitorId, VisitorCreatedSeconds, UserId, Url, Referrer, UserAgent, Languages, Address, VisitorIdForced);

        /// <summary>The same visitor on another page.</summary>
        internal TrackedVisitor WithUrl(string url) =>
            new TrackedVisitor(SiteId, VisitorId, VisitorCreatedSeconds, UserId, url, Referrer, UserAgent, Languages, Address, VisitorIdForced);
    }
}
