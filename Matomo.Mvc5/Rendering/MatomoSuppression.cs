namespace Matomo.Mvc5
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
    }
}
