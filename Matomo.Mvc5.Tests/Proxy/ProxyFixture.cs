using System;
using System.Collections.Specialized;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Matomo.Mvc5.Proxy;
using Matomo.Mvc5.Tests.Support;

namespace Matomo.Mvc5.Tests.Proxy
{
    /// <summary>Builds proxies and browser requests for the engine tests.</summary>
    internal static class ProxyFixture
    {
        public const string Token = "s3cret-t0ken/with+chars";
        public const string Client = "198.51.100.7";

        public static TrackerProxy NewProxy(Uri upstream, Action<TrackerProxyOptions> configure = null)
        {
            var options = new TrackerProxyOptions
            {
                Upstream = upstream,
                TokenAuth = Token,
                PublicBase = "/app/insights/",
                Timeout = TimeSpan.FromSeconds(2),
            };
            configure?.Invoke(options);
            return new TrackerProxy(options);
        }

        public static ProxyRequest Get(string subPath, string query = "", params (string, string)[] headers)
        {
            var h = new NameValueCollection();
            foreach (var (name, value) in headers) h.Add(name, value);
            return new ProxyRequest { Method = "GET", SubPath = subPath, Query = query, Headers = h, ClientAddress = Client };
        }

        public static ProxyRequest Post(string subPath, string query, string body, params (string, string)[] headers)
        {
            ProxyRequest r = Get(subPath, query, headers);
            r.Method = "POST";
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            r.Body = new MemoryStream(bytes);
            r.ContentLength = bytes.Length;
            return r;
        }

        public static ProxyResponse Run(this TrackerProxy proxy, ProxyRequest request) =>
            Task.Run(() => proxy.HandleAsync(request)).GetAwaiter().GetResult();

        public static string BodyText(this ProxyResponse r) => r.Body == null ? "" : Encoding.UTF8.GetString(r.Body);

        public static UpstreamRequest Single(this LoopbackUpstream upstream)
        {
            var all = upstream.Received.ToArray();
            if (all.Length != 1) throw new InvalidOperationException("expected one upstream request, got " + all.Length);
            return all[0];
        }
    }
}
