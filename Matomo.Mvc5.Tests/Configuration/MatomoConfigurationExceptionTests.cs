using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Configuration
{
    public class MatomoConfigurationExceptionTests
    {
        [Test]
        public void MatomoConfigurationException_keeps_key_value_and_form_through_serialization()
        {
            var original = new MatomoConfigurationException(Keys.SiteId, "abc", "a positive whole number");
            MatomoConfigurationException copy = Serialization.RoundTrip(original);
            Assert.That(copy.Key, Is.EqualTo(Keys.SiteId));
            Assert.That(copy.Value, Is.EqualTo("abc"));
            Assert.That(copy.Expected, Is.EqualTo("a positive whole number"));
            Assert.That(copy.Message, Is.EqualTo(original.Message));
        }

        [Test]
        public void An_unknown_key_error_keeps_no_value_through_serialization()
        {
            var original = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic(("matomo:SiteIb", "TopSecretApiToken123")));
            MatomoConfigurationException copy = Serialization.RoundTrip(original);
            Assert.That(copy.Key, Is.EqualTo("matomo:SiteIb"));
            Assert.That(copy.Value, Is.Null);
            Assert.That(copy.ToString(), Does.Not.Contain("TopSecretApiToken123"));
        }
    }
}
