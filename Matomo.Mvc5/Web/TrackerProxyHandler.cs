using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using System.Web;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Proxy;

namespace Matomo.Mvc5
{
    /// <summary>
    /// The System.Web side of the tracker proxy: turns the request into a <see cref="ProxyRequest"/> (client address
    /// resolved through the trusted proxies as for <see cref="MatomoClientInfo"/>, never from a header of its own), awaits the <see cref="TrackerProxy"/>
    /// and writes its answer. Fully asynchronous: no request thread waits on Matomo. <see cref="MatomoModule"/> maps
    /// requests under the proxy path to it.
    /// </summary>
    internal sealed class TrackerProxyHandler : HttpTaskAsyncHandler
    {
        private readonly TrackerProxy _proxy;
        private readonly MatomoSettings _settings;
        private readonly string _subPath;

        public TrackerProxyHandler(TrackerProxy proxy, MatomoSettings settings, string subPath)
        {
            _proxy = proxy;
            _settings = settings;
            _subPath = subPath;
        }

        public override bool IsReusable => false;

        public override async Task ProcessRequestAsync(HttpContext context)
        {
            HttpRequest request = context.Request;
            string rawUrl = request.RawUrl ?? "";
            int q = rawUrl.IndexOf('?');
            bool post = request.HttpMethod == "POST"; // only a POST's length matters (and reading it costs on Mono)
            var proxyRequest = new ProxyRequest
            {
                Method = request.HttpMethod,
                SubPath = _subPath,
                Query = q < 0 ? "" : rawUrl.Substring(q + 1),
                Headers = request.Headers,
                ClientAddress = MatomoHttpContextExtensions.GetClient(new HttpContextWrapper(context), _settings).Address?.ToString(),
                IsSecure = request.IsSecureConnection,
                ContentLength = !post ? 0 : request.ContentLength > 0 ? request.ContentLength : (request.Headers["Transfer-Encoding"] != null ? -1 : 0),
            };
            if (post && proxyRequest.ContentLength != 0) proxyRequest.Body = OpenBody(request);
            ProxyResponse response = await _proxy.HandleAsync(proxyRequest).ConfigureAwait(true);
            await WriteAsync(context.Response, response).ConfigureAwait(true);
        }

        /// <summary>The body without System.Web buffering it first where the host allows, else the buffered stream.</summary>
        private static Stream OpenBody(HttpRequest request)
        {
            try
            {
                return request.GetBufferlessInputStream();
            }
            catch (Exception e) when (e is NotImplementedException || e is NotSupportedException || e is InvalidOperationException)
            {
                return request.InputStream;
            }
        }

        internal static async Task WriteAsync(HttpResponse response, ProxyResponse answer)
        {
            response.TrySkipIisCustomErrors = true;
            response.StatusCode = answer.Status;
            foreach (KeyValuePair<string, string> h in answer.Headers)
            {
                switch (h.Key.ToLowerInvariant())
                {
                    case "content-type":
                        response.ContentType = h.Value;
                        break;
                    case "cache-control":
                        Apply(response.Cache, CacheControlPolicy.Parse(h.Value));
                        break;
                    case "etag":
                        response.Cache.SetETag(h.Value);
                        break;
                    case "last-modified":
                        if (DateTime.TryParse(h.Value, System.Globalization.CultureInfo.InvariantCulture,
                                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out DateTime lm))
                            response.Cache.SetLastModified(lm < DateTime.UtcNow ? lm : DateTime.UtcNow);
                        break;
                    default:
                        response.AppendHeader(h.Key, h.Value);
                        break;
                }
            }
            if (answer.Body != null && answer.Body.Length > 0)
                await response.OutputStream.WriteAsync(answer.Body, 0, answer.Body.Length).ConfigureAwait(true);
        }

        /// <summary>
        /// Writes <paramref name="policy"/> into System.Web's cache policy, which is what writes <c>Cache-Control</c>:
        /// every directive kept. The cacheability word, <c>no-store</c>, <c>max-age</c> and <c>no-transform</c> through
        /// its own methods; every other directive (<c>s-maxage</c>, <c>must-revalidate</c> ...) as a cache extension,
        /// since Mono's System.Web drops what <c>SetProxyMaxAge</c> and <c>SetRevalidation</c> set. System.Web always
        /// writes a cacheability word: <c>private</c> (its default) when the policy names none.
        /// </summary>
        internal static void Apply(HttpCachePolicy cache, CacheControlPolicy policy)
        {
            if (policy.NoCache) cache.SetCacheability(HttpCacheability.NoCache);
            else if (policy.Private) cache.SetCacheability(HttpCacheability.Private);
            else if (policy.Public) cache.SetCacheability(HttpCacheability.Public);
            if (policy.NoStore) cache.SetNoStore();
            if (policy.MaxAge != null) cache.SetMaxAge(policy.MaxAge.Value);
            if (policy.NoTransform) cache.SetNoTransforms();
            foreach (string extension in policy.Extensions) cache.AppendCacheExtension(extension);
        }
    }
}
