namespace Matomo.Mvc5.Delivery
{
    /// <summary>
    /// One tracking hit as accepted: the tracking request's query string (without <c>token_auth</c>, <c>cip</c> and
    /// <c>cdt</c>, which the sender adds), when it was accepted (UTC ticks), and the visitor's address (or null).
    /// </summary>
    internal sealed class TrackingHit
    {
        public TrackingHit(string query, long acceptedUtcTicks, string visitorAddress)
        {
            Query = query;
            AcceptedUtcTicks = acceptedUtcTicks;
            VisitorAddress = visitorAddress;
        }

        public string Query { get; }
        public long AcceptedUtcTicks { get; }
        public string VisitorAddress { get; }
    }
}
