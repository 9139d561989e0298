using BenchmarkDotNet.Attributes;
using Matomo.Mvc5.Configuration;

namespace Matomo.Mvc5.Benchmarks
{
    /// <summary>
    /// The per-request work of MatomoModule (and of Html.Matomo() without it): resolving the client from the peer and a
    /// three-hop X-Forwarded-For through the default trusted proxies, then the internal-address verdict.
    /// </summary>
    [MemoryDiagnoser]
    public class ModuleBenchmarks
    {
        private MatomoSettings _settings;

        [GlobalSetup]
        public void Setup()
        {
            _settings = Fixtures.Settings(MatomoSettings.Keys.InternalIps, "192.0.2.0/24, 198.51.100.7, 2001:db8::/32");
            MatomoClientInfo info = Resolve();
            if (info.Address?.ToString() != "203.0.113.7" || info.IsInternal)
                throw new System.InvalidOperationException("unexpected verdict " + info);
        }

        [Benchmark]
        public MatomoClientInfo ThreeHopXForwardedFor() => Resolve();

        private MatomoClientInfo Resolve() => _settings.ResolveClient("127.0.0.1", Fixtures.ThreeHopXForwardedFor, null);
    }
}
