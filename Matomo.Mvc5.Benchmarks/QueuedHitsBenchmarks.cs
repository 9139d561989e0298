using System.Collections.Generic;
using System.Collections.Specialized;
using BenchmarkDotNet.Attributes;
using Matomo.Mvc5.Proxy;

namespace Matomo.Mvc5.Benchmarks
{
    /// <summary>
    /// What the tracker proxy does to a hit in queued mode before it hands it to the outbox (<see cref="QueuedHits"/>:
    /// parse, remove the authentication-only parameters under every PHP spelling, add ua and lang), against the
    /// direct mode's rewrite (<see cref="TrackingRequestRewriter"/>), for the page view of build/lib/load-tracking.lua.
    /// </summary>
    [MemoryDiagnoser]
    public class QueuedHitsBenchmarks
    {
        private const string PageView = "idsite=1&rec=1&r=123456&h=12&m=30&s=05"
            + "&url=https%3A%2F%2Fshop.example.org%2Fproducts%2F42%3Fcolour%3Dblue"
            + "&urlref=https%3A%2F%2Fwww.example.com%2Fsearch%3Fq%3Dblue%2Bshoes"
            + "&action_name=Product%2042%20%E2%80%93%20Example%20Shop"
            + "&_id=0123456789abcdef&_idn=0&_refts=0&send_image=0&pv_id=00002a"
            + "&pf_net=0&pf_srv=17&pf_tfr=3&pf_dm1=230&cookie=1&res=1920x1080&pdf=1&qt=0&realp=0&wma=0&fla=0&java=0&ag=0";

        private static readonly NameValueCollection Headers = new NameValueCollection
        {
            { "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36" },
            { "Accept-Language", "en-GB,en;q=0.9,de;q=0.8" },
        };

        [GlobalSetup]
        public void Setup()
        {
            List<string> hits = QueuedHits.From(PageView, null, Headers);
            if (hits.Count != 1 || !hits[0].StartsWith(PageView + "&ua=", System.StringComparison.Ordinal))
                throw new System.InvalidOperationException("unexpected hit " + string.Join(" ", hits));
        }

        [Benchmark]
        public List<string> Queued() => QueuedHits.From(PageView, null, Headers);

        [Benchmark(Baseline = true)]
        public string Direct() => TrackingRequestRewriter.Rewrite(PageView, null, "198.51.100.7", "0123456789abcdef0123456789abcdef").Body;
    }
}
