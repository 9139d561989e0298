using System.Linq;
using Matomo.Mvc5.Addresses;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Addresses
{
    /// <summary><see cref="MatomoClientInfo"/>: the resolved client and its internal verdict, through <see cref="MatomoSettings.ResolveClient"/>.</summary>
    public class MatomoClientInfoTests
    {
        [Test]
        public void Client_info_verdict()
        {
            MatomoSettings settings = TestSettings.Basic((Keys.InternalIps, "10.0.0.0/8"));
            Assert.That(settings.ResolveClient("127.0.0.1", "10.1.1.1", null).IsInternal, Is.True);
            Assert.That(settings.ResolveClient("203.0.113.9", "10.1.1.1", null).IsInternal, Is.False, "forged");
            Assert.That(settings.ResolveClient("10.1.1.1", null, null).IsInternal, Is.True);
            MatomoClientInfo unknown = settings.ResolveClient("127.0.0.1", "10.1.1.1, unknown", null);
            Assert.That(unknown.IsInternal, Is.False);
            Assert.That(unknown.Address, Is.Null);
            Assert.That(settings.ResolveClient("127.0.0.1", null, null).Address.ToString(), Is.EqualTo("127.0.0.1"));
        }
    }
}
