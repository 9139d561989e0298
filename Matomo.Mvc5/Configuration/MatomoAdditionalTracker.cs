namespace Matomo.Mvc5.Configuration
{
    /// <summary>Another Matomo site that receives the same page view through <c>addTracker</c>.</summary>
    public sealed class MatomoAdditionalTracker
    {
        internal MatomoAdditionalTracker(string domainPath, int siteId)
        {
            DomainPath = domainPath;
            SiteId = siteId;
        }

        /// <summary>The other Matomo server, or <c>null</c> for the main one.</summary>
        public string DomainPath { get; }

        /// <summary>The site id on that server.</summary>
        public int SiteId { get; }
    }
}
