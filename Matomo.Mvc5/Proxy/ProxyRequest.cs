using System.Collections.Specialized;
using System.IO;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>A browser request to the tracker proxy, as the System.Web handler (or a test) hands it over.</summary>
    internal sealed class ProxyRequest
    {
        /// <summary>GET, POST ...</summary>
        public string Method { get; set; } = "GET";

        /// <summary>The raw path below the proxy prefix, such as <c>matomo.php</c>.</summary>
        public string SubPath { get; set; }

        /// <summary>The raw query string, without <c>?</c>.</summary>
        public string Query { get; set; } = "";

        /// <summary>The request headers.</summary>
        public NameValueCollection Headers { get; set; } = new NameValueCollection();

        /// <summary>The client address resolved through the trusted proxies, or null when not known.</summary>
        public string ClientAddress { get; set; }

        /// <summary>Whether the browser connected over HTTPS.</summary>
        public bool IsSecure { get; set; }

        /// <summary>The declared body length, or -1 when not declared.</summary>
        public long ContentLength { get; set; } = -1;

        /// <summary>The body, or null.</summary>
        public Stream Body { get; set; }
    }
}
