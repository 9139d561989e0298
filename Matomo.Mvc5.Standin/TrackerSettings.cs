using System.Collections.Generic;

namespace Matomo.Mvc5.Standin
{
    /// <summary>What the stand-in knows as a Matomo server would: its one valid token_auth (a super user's) and its sites.</summary>
    internal sealed class TrackerSettings
    {
        /// <summary>The token the tests and the Sample configure as matomo:ProxyTokenAuth (README's example too).</summary>
        public const string DefaultToken = "0123456789abcdef0123456789abcdef";

        public TrackerSettings(string token = DefaultToken, ISet<long> sites = null, bool bulkRequiresToken = false)
        {
            Token = token;
            Sites = sites;
            BulkRequiresToken = bulkRequiresToken;
        }

        /// <summary>The token_auth that authenticates (as a super user: for every site, and for bulk requests' invalid_indices).</summary>
        public string Token { get; }

        /// <summary>The sites that exist; null: every idsite above 0.</summary>
        public ISet<long> Sites { get; }

        /// <summary>Matomo's bulk_requests_require_authentication (off by default): a bulk request without the valid token is refused whole.</summary>
        public bool BulkRequiresToken { get; }

        public bool SiteExists(long idSite) => idSite > 0 && (Sites == null || Sites.Contains(idSite));
    }
}
