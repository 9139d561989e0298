namespace Matomo.Mvc5.Proxy
{
    /// <summary>What a path under the tracker proxy's prefix is. Anything not named exactly is <see cref="None"/>.</summary>
    internal enum ProxyEndpoint
    {
        /// <summary>Nothing the proxy serves: 404, and nothing reaches Matomo.</summary>
        None,
        /// <summary>The tracker script (<c>matomo.js</c>, or the legacy <c>piwik.js</c>).</summary>
        Script,
        /// <summary>The tracking endpoint (<c>matomo.php</c>, or the legacy <c>piwik.php</c>).</summary>
        Tracking,
        /// <summary>A Tag Manager container, <c>js/container_ID.js</c> (8 letters or digits): served only when it is the configured one.</summary>
        Container,
    }
}
