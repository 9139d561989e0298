using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Web
{
    /// <summary>The exceptions keep what they name through serialization (remoting, AppDomain boundaries, caches).</summary>
    public class MatomoViewDataExceptionTests
    {
        [Test]
        public void MatomoViewDataException_keeps_its_entry_and_message()
        {
            var original = new MatomoViewDataException(MatomoViewData.Dimensions, "item 2: the id 0 is not an integer of 1 or more");
            MatomoViewDataException copy = Serialization.RoundTrip(original);
            Assert.That(copy, Is.Not.SameAs(original));
            Assert.That(copy.Entry, Is.EqualTo("matomo_dimensions"));
            Assert.That(copy.Message, Is.EqualTo(original.Message));
        }
    }
}
