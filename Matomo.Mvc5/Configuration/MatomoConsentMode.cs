namespace Matomo.Mvc5.Configuration
{
    /// <summary>What Matomo must be told about consent before it tracks (<c>matomo:RequireConsent</c>).</summary>
    public enum MatomoConsentMode
    {
        /// <summary>No consent is asked for (the default).</summary>
        None,
        /// <summary><c>requireConsent</c>: nothing is tracked until the visitor consents.</summary>
        Tracking,
        /// <summary><c>requireCookieConsent</c>: tracking happens, cookies only after consent.</summary>
        Cookies,
    }
}
