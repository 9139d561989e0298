using System.Web.Mvc;
using Matomo.Mvc5.Configuration;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Support
{
    /// <summary>What the helper's tests share: a fresh Moq'd request and ViewData for each test, and the helper's rendering of them, parsed.</summary>
    public abstract class HelperRequest
    {
        protected FakeHttp _http;
        protected ViewDataDictionary _viewData;

        [SetUp]
        public void FreshRequest()
        {
            _http = new FakeHttp();
            _viewData = new ViewDataDictionary();
        }

        /// <summary><c>@Html.Matomo()</c>'s output for this request and ViewData (the basic settings unless given).</summary>
        protected Snippet Render(MatomoSettings settings = null, string nonce = null) =>
            Snippet.Parse(MatomoHtmlHelperExtensions.Render(_http.Build(), _viewData, settings ?? TestSettings.Basic(), nonce));
    }
}
