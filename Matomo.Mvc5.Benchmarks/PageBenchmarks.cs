using BenchmarkDotNet.Attributes;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Rendering;

namespace Matomo.Mvc5.Benchmarks
{
    /// <summary>
    /// The typed page API against the same commands through ViewData (<c>matomo_commands</c>): a product
    /// page (<c>setEcommerceView</c>) and an order page (three <c>addEcommerceItem</c> and <c>trackEcommerceOrder</c>).
    /// Each case does all of a request's Matomo work: it makes the page (typed calls, or the ViewData entry with its
    /// arrays, as a controller would) and renders it. Settings are parsed once, in <see cref="Setup"/>.
    /// </summary>
    /// <remarks>
    /// The typed cases render with <c>MatomoRenderer.Render</c>, which <c>Html.Matomo()</c> calls once it has found no
    /// ViewData entry; the ViewData cases go through <c>Html.Matomo()</c>'s own path (reading the entries), without an
    /// HttpContext, so neither measures the client-address verdict (see ModuleBenchmarks).
    /// </remarks>
    [MemoryDiagnoser]
    public class PageBenchmarks
    {
        private MatomoSettings _settings;

        [GlobalSetup]
        public void Setup() => _settings = Fixtures.Settings();

        /// <summary>A product page through the typed API.</summary>
        [Benchmark]
        public string ProductPageTyped()
        {
            var page = new MatomoPage();
            page.SetEcommerceView("SKU-42", "Holy Hand Grenade of Antioch", "Weapons", 19.99m);
            return MatomoRenderer.Render(_settings, page);
        }

        /// <summary>The same product page through <c>matomo_commands</c>.</summary>
        [Benchmark]
        public string ProductPageViewData()
        {
            var viewData = new System.Web.Mvc.ViewDataDictionary
            {
                [MatomoViewData.Commands] = new[] { new object[] { "setEcommerceView", "SKU-42", "Holy Hand Grenade of Antioch", "Weapons", 19.99m } },
            };
            return MatomoHtmlHelperExtensions.Render(null, viewData, _settings, null);
        }

        /// <summary>An order confirmation with three items through the typed API.</summary>
        [Benchmark]
        public string OrderPageTyped()
        {
            var page = new MatomoPage();
            page.AddEcommerceItem("SKU-42", "Holy Hand Grenade of Antioch", "Weapons", 19.99m, 1);
            page.AddEcommerceItem("SKU-7", "Shrubbery", "Gardening", 49.50m, 2);
            page.AddEcommerceItem("SKU-3", "Coconut halves", "Sound effects", 3.25m, 4);
            page.TrackEcommerceOrder("ORDER-1701", 141.99m, 131.99m, 5m, 5m);
            return MatomoRenderer.Render(_settings, page);
        }

        /// <summary>The same order page through <c>matomo_commands</c>.</summary>
        [Benchmark]
        public string OrderPageViewData()
        {
            var viewData = new System.Web.Mvc.ViewDataDictionary
            {
                [MatomoViewData.Commands] = new[]
                {
                    new object[] { "addEcommerceItem", "SKU-42", "Holy Hand Grenade of Antioch", "Weapons", 19.99m, 1 },
                    new object[] { "addEcommerceItem", "SKU-7", "Shrubbery", "Gardening", 49.50m, 2 },
                    new object[] { "addEcommerceItem", "SKU-3", "Coconut halves", "Sound effects", 3.25m, 4 },
                    new object[] { "trackEcommerceOrder", "ORDER-1701", 141.99m, 131.99m, 5m, 5m },
                },
            };
            return MatomoHtmlHelperExtensions.Render(null, viewData, _settings, null);
        }
    }
}
