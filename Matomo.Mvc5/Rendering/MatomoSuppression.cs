namespace Matomo.Mvc5.Rendering
{
    /// <summary>Why tracking is commented out for a request.</summary>
    public enum MatomoSuppression
    {
        /// <summary>Tracking runs.</summary>
        None,
        /// <summary>The client address is in the internal IPs.</summary>
        InternalAddress,
        /// <summary>The browser sent <c>DNT: 1</c> or <c>Sec-GPC: 1</c> and <c>matomo:RespectDoNotTrack</c> is true.</summary>
        DoNotTrack,
        /// <summary>
        /// The site excluded this request: <see cref="MatomoPage.Exclude"/>, the <c>[MatomoExclude]</c> attribute,
        /// <c>matomo:ExcludedRoles</c> or <c>matomo:ExcludedPaths</c>. The comment gives the reason and the snippet
        /// carries no user id.
        /// </summary>
        Excluded,
    }
}
