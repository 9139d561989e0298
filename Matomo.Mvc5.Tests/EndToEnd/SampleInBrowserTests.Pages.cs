using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using NUnit.Framework;
using OpenQA.Selenium;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>The Sample as a visitor sees it: error pages without details, a layout that fits a 1280 px window.</summary>
    public partial class SampleInBrowserTests
    {
        /// <summary>Text that only an error page with details has: exception names and stack frames.</summary>
        private static readonly string[] Details = { "Exception", "Stack Trace", "   at ", "System.Web.", "Server Error in" };

        [Test]
        public void Sign_in_with_a_less_than_sign_gets_the_Samples_400_page_without_details()
        {
            // ASP.NET's request validation refuses "<" in a form field; the visitor must not see what it threw.
            _browser.Open(_site.Url("/Account/SignIn"));
            new Standin(_site).Clear();
            _browser.Driver.FindElement(By.Id("userName")).SendKeys("Patsy <the squire>");
            _browser.Driver.FindElement(By.CssSelector("#sign-in button")).Click();
            WaitFor(() => _browser.Driver.FindElement(By.TagName("h1")).Text == "That input is not accepted", "the 400 page");
            var body = _browser.Driver.FindElement(By.TagName("body")).Text;
            foreach (var detail in Details) Assert.That(body, Does.Not.Contain(detail));
            Assert.That(_browser.Driver.FindElements(By.Id("user-name")), Is.Empty, "not signed in");
            var view = ViewOf(_site, _browser.Location);
            Assert.That(view.Hit["action_name"], Does.StartWith("That input is not accepted"), "the error page is tracked like any page");
        }

        [TestCase("POST", "/Account/SignIn", HttpStatusCode.BadRequest)]    // no anti-forgery token
        [TestCase("POST", "/Account/SignOut", HttpStatusCode.BadRequest)]
        public void Errors_answer_with_the_Samples_page_and_status_never_with_details(string method, string path, HttpStatusCode status)
        {
            Assert.That(Http.Send(method, _defaults.Url(path), out var body), Is.EqualTo(status));
            Assert.That(body, Does.Contain("<h1>That input is not accepted</h1>"));
            foreach (var detail in Details) Assert.That(body, Does.Not.Contain(detail));
        }

        [Test]
        public void Every_page_fits_a_1280_px_window_the_menu_does_not_wrap_and_no_code_scrolls_sideways()
        {
            string shots = Environment.GetEnvironmentVariable("E2E_SCREENSHOTS");   // a folder: screenshots of every page
            if (!string.IsNullOrEmpty(shots)) Directory.CreateDirectory(shots);
            _browser.SetViewport(1280, 1000);
            try
            {
                SignIn(VisitorName, _features);   // the header with the longest it has: a name and the sign-out button
                _browser.Open(_features.Url("/"));
                var pages = _browser.Driver.FindElements(By.CssSelector("nav a")).Select(a => a.GetAttribute("href")).ToList();
                Assert.That(pages, Has.Count.GreaterThanOrEqualTo(10), "the menu lists the Sample's pages");
                pages.Add(_features.Url("/Csp/WithoutNonce"));
                pages.Add(_features.Url("/Account/SignedIn"));
                foreach (var page in pages)
                {
                    _browser.Open(page);
                    var layout = (IDictionary<string, object>)_browser.Driver.ExecuteScript(@"
                        var nav = document.querySelectorAll('nav a'), header = document.querySelector('header');
                        var lineHeight = parseFloat(getComputedStyle(document.body).lineHeight) || 23;
                        // A menu entry broken over two lines, or a part of the header (the menu, if it is there) taller than a line.
                        var wrapped = [].filter.call(nav, function (a) { return a.getClientRects().length > 1 || a.getBoundingClientRect().height > lineHeight * 1.5; })
                                        .map(function (a) { return a.textContent; })
                                        .concat([].filter.call(header.children, function (e) { return e.getBoundingClientRect().height > lineHeight * 1.8; })
                                        .map(function (e) { return 'header ' + e.tagName + ': ' + e.textContent.replace(/\s+/g, ' ').slice(0, 60); }));
                        var scrolling = [].filter.call(document.querySelectorAll('pre, code, table'), function (e) { return e.scrollWidth > e.clientWidth + 1; })
                                        .map(function (e) { return e.tagName + ': ' + e.textContent.slice(0, 60); });
                        return { wrapped: wrapped, scrolling: scrolling, pageWidth: document.documentElement.scrollWidth,
                                 windowWidth: window.innerWidth };");
                    string title = _browser.Driver.Title;
                    if (!string.IsNullOrEmpty(shots))
                        _browser.Screenshot(Path.Combine(shots, (new Uri(page).AbsolutePath.Trim('/').Replace('/', '-') is var name && name != "" ? name : "Home") + ".png"));
                    Assert.That((long)layout["windowWidth"], Is.EqualTo(1280L), "the window is 1280 px wide");
                    Assert.That((IEnumerable<object>)layout["wrapped"], Is.Empty, title + ": menu entries on more than one line");
                    Assert.That((IEnumerable<object>)layout["scrolling"], Is.Empty, title + ": boxes that scroll sideways");
                    Assert.That((long)layout["pageWidth"], Is.LessThanOrEqualTo(1280L), title + ": the page scrolls sideways");
                }
            }
            finally
            {
                _browser.ResetViewport();
            }
        }
    }
}
