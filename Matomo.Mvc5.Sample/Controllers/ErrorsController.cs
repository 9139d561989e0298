using System;
using System.Web.Mvc;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>The Sample's error pages. Global.asax.cs runs NotFound for every unknown URL.</summary>
    public class ErrorsController : Controller
    {
        /// <summary>
        /// Answers 404 and tells Matomo about it the way Matomo's FAQ recommends ("How to track 404 pages"): a
        /// document title "404/URL = …/From = …" with both addresses URI-encoded, so that Matomo groups every broken
        /// address under one "404" entry of its page titles report.
        /// </summary>
        public ActionResult NotFound()
        {
            Response.StatusCode = 404;
            Response.TrySkipIisCustomErrors = true;
            string url = Request.RawUrl;                                // the unknown address, with its query
            string referrer = Request.UrlReferrer?.ToString() ?? "";    // the page with the broken link, if any
            ViewBag.Url = url;
            ViewBag.matomo_commands = new[]
            {
                new MatomoCommand("setDocumentTitle",
                    "404/URL = " + Uri.EscapeDataString(url) + "/From = " + Uri.EscapeDataString(referrer)),
            };
            return View();
        }
    }
}
