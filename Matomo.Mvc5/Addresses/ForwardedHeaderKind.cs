namespace Matomo.Mvc5.Addresses
{
    /// <summary>Which forwarding header <see cref="ClientAddressResolver"/> reads from a trusted proxy.</summary>
    public enum ForwardedHeaderKind
    {
        /// <summary><c>X-Forwarded-For</c> when the request has one, otherwise RFC 7239 <c>Forwarded</c>.</summary>
        Auto,
        /// <summary>Only <c>X-Forwarded-For</c>.</summary>
        XForwardedFor,
        /// <summary>Only RFC 7239 <c>Forwarded</c> (<c>for=</c> parameters).</summary>
        Forwarded,
    }
}
