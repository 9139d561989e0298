using System;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Web;
using System.Web.Hosting;
using System.Web.Mvc;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Web
{
    /// <summary>MatomoModule on a real System.Web HttpContext, fed by a worker request as a host would.</summary>
    public class MatomoModuleTests
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

        /// <summary>
        /// Raises <c>BeginRequest</c> of <paramref name="application"/> for <paramref name="context"/> as the pipeline does:
        /// the application's context set, then the handlers System.Web keeps for that event called with the
        /// application as sender. System.Web stores event handlers in the protected <c>Events</c> list under a private
        /// key (<c>BeginRequestEvent</c> in Mono, <c>EventBeginRequest</c> in .NET Framework); both are looked up.
        /// </summary>
        private static void RaiseBeginRequest(HttpApplication application, HttpContext context)
        {
            const BindingFlags instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
            MethodInfo setContext = typeof(HttpApplication).GetMethod("SetContext", instance, null, new[] { typeof(HttpContext) }, null);
            FieldInfo contextField = typeof(HttpApplication).GetField("_context", instance);
            if (setContext != null) setContext.Invoke(application, new object[] { context });
            else if (contextField != null) contextField.SetValue(application, context);
            else Assert.Inconclusive("this System.Web keeps the application's context elsewhere");
            Assert.That(application.Context, Is.SameAs(context), "the application serves this request");

            FieldInfo key = typeof(HttpApplication).GetFields(BindingFlags.Static | BindingFlags.NonPublic)
                .SingleOrDefault(f => f.FieldType == typeof(object) && (f.Name == "BeginRequestEvent" || f.Name == "EventBeginRequest"));
            var events = (EventHandlerList)typeof(HttpApplication).GetProperty("Events", instance)?.GetValue(application);
            if (key == null || events == null) Assert.Inconclusive("this System.Web keeps its event handlers elsewhere");
            var handlers = (EventHandler)events[key.GetValue(null)];
            Assert.That(handlers, Is.Not.Null, "nothing subscribed to BeginRequest");
            handlers(application, EventArgs.Empty);
        }

        [TestCase("10.9.9.9", null, true)]
        [TestCase("127.0.0.1", "10.9.9.9", true)]
        [TestCase("127.0.0.1", "203.0.113.4, 10.9.9.9", false)]
        public void Init_subscribes_to_BeginRequest_and_the_helper_renders_the_modules_verdict(string remote, string xff, bool isInternal)
        {
            // The application's settings when the request begins: 10.0.0.0/8 is internal.
            MatomoConfiguration.Override(TestSettings.Basic((Keys.InternalIps, "10.0.0.0/8")));
            var application = new HttpApplication();
            var module = new MatomoModule();
            module.Init(application);
            HttpContext raw = Context(remote, xff);
            var context = new HttpContextWrapper(raw);
            Assert.That(MatomoHttpContextExtensions.HasClient(context), Is.False);

            RaiseBeginRequest(application, raw);

            Assert.That(MatomoHttpContextExtensions.HasClient(new HttpContextWrapper(raw)), Is.True, "BeginRequest stored a verdict");
            Assert.That(context.GetMatomoClient().IsInternal, Is.EqualTo(isInternal));
            // The helper renders with settings under which it would decide the other way by itself: what it shows
            // can only be the module's verdict.
            MatomoSettings otherwise = TestSettings.Basic((Keys.InternalIps, isInternal ? "192.0.2.0/24" : "0.0.0.0/0, ::/0"));
            Assert.That(otherwise.ResolveClient(remote, xff, null).IsInternal, Is.Not.EqualTo(isInternal), "the settings disagree");
            Snippet page = Snippet.Parse(MatomoHtmlHelperExtensions.Render(context, new ViewDataDictionary(), otherwise, null));
            Assert.That(page.Structure, Is.EqualTo(isInternal ? new[] { "#comment" } : new[] { "script", "noscript" }));
            Assert.DoesNotThrow(module.Dispose);
        }
    }
}
