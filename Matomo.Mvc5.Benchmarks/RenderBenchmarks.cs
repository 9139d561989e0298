using BenchmarkDotNet.Attributes;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Rendering;

namespace Matomo.Mvc5.Benchmarks
{
    /// <summary>
    /// Rendering the snippet. The settings are parsed in <see cref="Setup"/>, once, as the application does on first
    /// use: parsing is not on the measured path.
    /// </summary>
    [MemoryDiagnoser]
    public class RenderBenchmarks
    {
        private MatomoSettings _minimalSettings, _fullSettings;
        private MatomoPage _minimalPage, _fullPage;
        private System.Web.Mvc.ViewDataDictionary _fullViewData;

        [GlobalSetup]
        public void Setup()
        {
            _minimalSettings = Fixtures.Settings();
            _fullSettings = Fixtures.Settings(MatomoSettings.Keys.DisableCookies, "true");
            _minimalPage = new MatomoPage();
            _fullPage = Fixtures.FullPage();
            _fullViewData = Fixtures.FullViewData();
        }

        /// <summary>Anonymous visitor, no variables: the site's constant snippet.</summary>
        [Benchmark]
        public string MinimalPage() => MatomoRenderer.Render(_minimalSettings, _minimalPage);

        /// <summary>Identity, three custom variables, disableCookies, two custom dimensions.</summary>
        [Benchmark]
        public string FullPage() => MatomoRenderer.Render(_fullSettings, _fullPage);

        /// <summary>
        /// The same full page through Html.Matomo()'s own path: reading the ViewData entries (tuples, a dictionary)
        /// into page data, then rendering. No HttpContext, so no client-address work (measured separately).
        /// </summary>
        [Benchmark]
        public string FullPageFromViewData() => MatomoHtmlHelperExtensions.Render(null, _fullViewData, _fullSettings, null);

        /// <summary>
        /// The ViewData half of <see cref="FullPageFromViewData"/> alone: finding the entries, checking them and
        /// encoding their commands (what is left of that case is the render).
        /// </summary>
        [Benchmark]
        public object ViewDataOnly() => MatomoViewData.ReadInto(_fullViewData);
    }
}
