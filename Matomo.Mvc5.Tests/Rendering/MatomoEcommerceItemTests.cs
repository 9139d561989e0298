using System;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Rendering
{
    /// <summary><see cref="MatomoEcommerceItem"/>: checked when made, naming the argument.</summary>
    public class MatomoEcommerceItemTests
    {
        [Test]
        public void An_item_keeps_what_it_was_given()
        {
            var item = new MatomoEcommerceItem("SKU-1", "Blue shoe", new[] { "Shoes", "Blue" }, 49.5m, 2);
            Assert.That(item.Sku, Is.EqualTo("SKU-1"));
            Assert.That(item.ProductName, Is.EqualTo("Blue shoe"));
            Assert.That(item.Categories, Is.EqualTo(new[] { "Shoes", "Blue" }));
            Assert.That(item.Price, Is.EqualTo(49.5m));
            Assert.That(item.Quantity, Is.EqualTo(2));
            Assert.That(new MatomoEcommerceItem("S", null, (string)null, 0m, 1).Categories, Is.Empty);
            Assert.That(new MatomoEcommerceItem("S", null, "Shoes", 0m, 1).Categories, Is.EqualTo(new[] { "Shoes" }));
        }

        [Test]
        public void The_categories_given_are_copied()
        {
            var categories = new[] { "Shoes" };
            var item = new MatomoEcommerceItem("S", null, categories, 1m, 1);
            categories[0] = "Changed";
            Assert.That(item.Categories, Is.EqualTo(new[] { "Shoes" }));
        }

        [Test]
        public void The_page_renders_an_item_as_it_renders_the_same_arguments()
        {
            var settings = Support.TestSettings.Basic();
            var byArguments = new MatomoPage();
            byArguments.AddEcommerceItem("SKU-1", "Blue shoe", "Shoes", 49.5m, 2);
            byArguments.AddEcommerceItem("SKU-2", null, new[] { "Shoes", "Blue" }, 0m, 1);
            byArguments.AddEcommerceItem("SKU-3", null, (string)null, 1m, 1);
            var byItems = new MatomoPage();
            byItems.AddEcommerceItem(new MatomoEcommerceItem("SKU-1", "Blue shoe", "Shoes", 49.5m, 2));
            byItems.AddEcommerceItem(new MatomoEcommerceItem("SKU-2", null, new[] { "Shoes", "Blue" }, 0m, 1));
            byItems.AddEcommerceItem(new MatomoEcommerceItem("SKU-3", null, (string)null, 1m, 1));
            string expected = Matomo.Mvc5.Rendering.MatomoRenderer.Render(settings, byArguments);
            Assert.That(expected, Does.Contain("addEcommerceItem"));
            Assert.That(Matomo.Mvc5.Rendering.MatomoRenderer.Render(settings, byItems), Is.EqualTo(expected));
            Assert.Throws<ArgumentNullException>(() => new MatomoPage().AddEcommerceItem(null));
        }

        private static void Refused<T>(TestDelegate make, string argument) where T : ArgumentException
        {
            var e = Assert.Throws<T>(make);
            Assert.That(e.ParamName, Is.EqualTo(argument));
            Assert.That(e.Message, Does.StartWith("MatomoEcommerceItem: " + argument));
        }

        [Test]
        public void A_wrong_argument_is_refused_at_once_by_name()
        {
            Refused<ArgumentNullException>(() => new MatomoEcommerceItem(null, null, (string)null, 1m, 1), "sku");
            Refused<ArgumentException>(() => new MatomoEcommerceItem(" ", null, (string)null, 1m, 1), "sku");
            Refused<ArgumentException>(() => new MatomoEcommerceItem("S", "", (string)null, 1m, 1), "productName");
            Refused<ArgumentException>(() => new MatomoEcommerceItem("S", null, "\t", 1m, 1), "category");
            Refused<ArgumentOutOfRangeException>(() => new MatomoEcommerceItem("S", null, (string)null, -0.01m, 1), "price");
            Refused<ArgumentOutOfRangeException>(() => new MatomoEcommerceItem("S", null, (string)null, 1m, 0), "quantity");
            Refused<ArgumentOutOfRangeException>(() => new MatomoEcommerceItem("S", null, new string[0], 1m, 1), "categories");
            Refused<ArgumentOutOfRangeException>(() => new MatomoEcommerceItem("S", null, new[] { "a", "b", "c", "d", "e", "f" }, 1m, 1), "categories");
            Refused<ArgumentException>(() => new MatomoEcommerceItem("S", null, new[] { "a", null }, 1m, 1), "categories");
        }
    }
}
