using System.Collections.Generic;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>Matomo's answer to the proxy: status, every header (response and content), and the capped body.</summary>
    internal sealed class UpstreamResponse
    {
        public int Status { get; set; }

        public List<KeyValuePair<string, string>> Headers { get; } = new List<KeyValuePair<string, string>>();

        public byte[] Body { get; set; }

        /// <summary>The value of header <paramref name="name"/> (the first), or null.</summary>
        public string Header(string name) => ProxyHeaders.Find(Headers, name);
    }
}
