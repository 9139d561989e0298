using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Threading;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// A Sample host whose tracker proxy (site 42, under <c>/insights/</c>) forwards to a stand-in process the test runs
    /// itself, and the test's own client made ready for bursts (the connection limit to the site, the thread pool's
    /// minimum, so that each request has a thread for its continuations at once); Dispose stops the host and puts the
    /// thread pool back. What the fixtures of the proxy on a host share.
    /// </summary>
    internal sealed class ProxyHost : IDisposable
    {
        private readonly int _minWorkers, _minPorts;

        /// <param name="name">The host's name (its state folder).</param>
        /// <param name="standin">The running stand-in, listening under <paramref name="standinBase"/> at <paramref name="standinUrl"/>.</param>
        /// <param name="more">More settings, or overrides of the proxy's own.</param>
        public ProxyHost(string name, StandinProcess standin, string standinBase, string standinUrl, IDictionary<string, string> more)
        {
            string matomo = "127.0.0.1:" + standin.Port.ToString(CultureInfo.InvariantCulture) + standinBase;
            var settings = new Dictionary<string, string>
            {
                ["matomo:SiteId"] = "42",
                ["matomo:DomainPath"] = matomo.TrimEnd('/'),
                ["matomo:ProxyPath"] = "insights",
                ["matomo:ProxyUpstream"] = "http://" + matomo,
                ["sample:StandinUrl"] = standinUrl,
            };
            foreach (var setting in more) settings[setting.Key] = setting.Value;
            Host = SampleHost.Begin(name, settings, "--no-standin");
            try
            {
                Host.WaitUntilReady(TimeSpan.FromMinutes(3));
            }
            catch
            {
                Host.Dispose();
                throw;
            }
            // Many requests to the site at once (the .NET Framework allows two by default).
            ServicePointManager.FindServicePoint(new Uri(Host.BaseUrl)).ConnectionLimit = 1000;
            ThreadPool.GetMinThreads(out _minWorkers, out _minPorts);
            ThreadPool.SetMinThreads(Math.Max(_minWorkers, 256), _minPorts);
        }

        public SampleHost Host { get; }

        public void Dispose()
        {
            ThreadPool.SetMinThreads(_minWorkers, _minPorts);
            Host.Dispose();
        }
    }
}
