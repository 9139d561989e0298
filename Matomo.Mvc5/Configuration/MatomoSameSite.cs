namespace Matomo.Mvc5.Configuration
{
    /// <summary>The SameSite attribute of the tracker's cookies (<c>matomo:CookieSameSite</c>, <c>setCookieSameSite</c>).</summary>
    public enum MatomoSameSite
    {
        /// <summary>Sent on top-level navigations from other sites (Matomo's default).</summary>
        Lax,
        /// <summary>Never sent from other sites.</summary>
        Strict,
        /// <summary>Sent everywhere, for a site shown in other sites' frames; browsers require secure cookies for it.</summary>
        None,
    }
}
