using System.IO;
using System.Web;
using System.Web.Hosting;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.MatomoSettings;

namespace Matomo.Mvc5.Tests
{
    /// <summary>MatomoModule on a real System.Web HttpContext, fed by a worker request as a host would.</summary>
    public class ModuleTests
    {
        private sealed class WorkerRequest : SimpleWorkerRequest
        {
            private readonly string _remote;
            private readonly string _xff;

            public WorkerRequest(string remote, string xff) : base("/", Path.GetTempPath(), "default.aspx", "", TextWriter.Null)
            {
                _remote = remote;
                _xff = xff;
            }

            public override string GetRemoteAddress() => _remote;

            public override string[][] GetUnknownRequestHeaders() =>
                _xff == null ? new string[0][] : new[] { new[] { "X-Forwarded-For", _xff } };
        }

        [TearDown]
        public void TearDown() => MatomoConfiguration.Override(null);

        private static HttpContext Context(string remote, string xff) => new HttpContext(new WorkerRequest(remote, xff));

        [TestCase("10.9.9.9", null, true, "10.9.9.9")]
        [TestCase("127.0.0.1", "10.9.9.9", true, "10.9.9.9")]
        [TestCase("127.0.0.1", "203.0.113.4, 10.9.9.9", false, "203.0.113.4")]
        [TestCase("203.0.113.4", "10.9.9.9", false, "203.0.113.4")]
        public void Begin_request_stores_the_verdict_for_the_helper(string remote, string xff, bool isInternal, string client)
        {
            MatomoConfiguration.Override(TestSettings.Basic((Keys.InternalIps, "10.0.0.0/8")));
            HttpContext raw = Context(remote, xff);
            var context = new HttpContextWrapper(raw);
            MatomoModule.OnBeginRequest(context);
            Assert.That(MatomoHttpContextExtensions.HasClient(context), Is.True);
            MatomoClientInfo stored = context.GetMatomoClient();
            Assert.That(stored.IsInternal, Is.EqualTo(isInternal));
            Assert.That(stored.Address.ToString(), Is.EqualTo(client));
            Assert.That(new HttpContextWrapper(raw).GetMatomoClient(), Is.SameAs(stored), "the accessor reads the module's verdict");
        }

        [Test]
        public void Disabled_settings_cost_nothing_per_request()
        {
            MatomoConfiguration.Override(TestSettings.Create());
            var context = new HttpContextWrapper(Context("10.9.9.9", null));
            MatomoModule.OnBeginRequest(context);
            Assert.That(MatomoHttpContextExtensions.HasClient(context), Is.False);
        }

        [Test]
        public void Init_subscribes_and_dispose_is_harmless()
        {
            var module = new MatomoModule();
            Assert.DoesNotThrow(() => module.Init(new HttpApplication()));
            Assert.DoesNotThrow(module.Dispose);
        }
    }
}
