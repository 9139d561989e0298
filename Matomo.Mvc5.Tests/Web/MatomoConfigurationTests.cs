using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Configuration;
using System.Linq;
using System.Net;
using Matomo.Mvc5.Addresses;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Web
{
    /// <summary><see cref="MatomoConfiguration"/>: the application's settings, read once.</summary>
    public class MatomoConfigurationTests
    {
        [Test]
        public void Configuration_reads_app_settings_once_and_keeps_them()
        {
            try
            {
                MatomoSettings custom = TestSettings.Basic();
                MatomoConfiguration.Override(custom);
                Assert.That(MatomoConfiguration.Current, Is.SameAs(custom));
                Assert.That(MatomoConfiguration.Current, Is.SameAs(MatomoConfiguration.Current));
            }
            finally
            {
                MatomoConfiguration.Override(null);
            }
            Assert.That(MatomoConfiguration.Current, Is.SameAs(MatomoConfiguration.Current), "parsed once from the real appSettings");
        }
    }
}
