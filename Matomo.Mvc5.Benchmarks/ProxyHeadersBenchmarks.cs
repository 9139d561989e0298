using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Matomo.Mvc5.Proxy;

namespace Matomo.Mvc5.Benchmarks
{
    /// <summary>
    /// The tracker proxy's per-answer header work: the headers of a Matomo tracking answer through the allow-list,
    /// with its <c>Cache-Control</c> read as a policy and written back once, and the policy read again as the
    /// System.Web handler does before it writes it.
    /// </summary>
    [MemoryDiagnoser]
    public class ProxyHeadersBenchmarks
    {
        private const string MatomoCacheControl = "no-store, no-cache, must-revalidate, max-age=0";

        private static readonly List<KeyValuePair<string, string>> MatomoAnswer = new List<KeyValuePair<string, string>>
        {
            new KeyValuePair<string, string>("Date", "Tue, 03 Mar 2026 12:00:00 GMT"),
            new KeyValuePair<string, string>("Server", "Apache/2.4.62 (Debian)"),
            new KeyValuePair<string, string>("X-Powered-By", "PHP/8.2.26"),
            new KeyValuePair<string, string>("Cache-Control", MatomoCacheControl),
            new KeyValuePair<string, string>("Pragma", "no-cache"),
            new KeyValuePair<string, string>("Expires", "Thu, 19 Nov 1981 08:52:00 GMT"),
            new KeyValuePair<string, string>("Set-Cookie", "_pk_id.4.1fff=0123456789abcdef.1772539200.; expires=Thu, 02 Apr 2027 12:00:00 GMT; path=/; SameSite=Lax"),
            new KeyValuePair<string, string>("Content-Type", "image/gif"),
            new KeyValuePair<string, string>("Content-Length", "43"),
        };

        [GlobalSetup]
        public void Setup()
        {
            string written = ProxyHeaders.Find(ProxyHeaders.ForBrowser(MatomoAnswer, secure: true), "Cache-Control");
            if (written != "no-cache, no-store, max-age=0, must-revalidate")
                throw new System.InvalidOperationException("unexpected Cache-Control " + written);
        }

        [Benchmark]
        public List<KeyValuePair<string, string>> ForBrowser() => ProxyHeaders.ForBrowser(MatomoAnswer, secure: true);

        [Benchmark]
        public bool ReadPolicy() => CacheControlPolicy.Parse(MatomoCacheControl).NoStore;

        [Benchmark]
        public string ReadAndWritePolicy() => CacheControlPolicy.Parse(MatomoCacheControl).ToString();
    }
}
