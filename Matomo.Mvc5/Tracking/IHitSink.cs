namespace Matomo.Mvc5.Tracking
{
    /// <summary>Where server-side hits go: the delivery outbox, as the web layer connects it. Never blocks, never throws.</summary>
    internal interface IHitSink
    {
        /// <summary>Takes a hit: its Tracking API query string and the visitor's address (null: unknown), now. False
        /// when there is nowhere to deliver it (no Matomo in the settings, a spool that cannot be opened).</summary>
        bool Accept(string query, string visitorAddress);

        /// <summary>Counts a hit the site's rules skipped, by cause (such as <c>opted-out</c>).</summary>
        void Skipped(string cause);
    }
}
