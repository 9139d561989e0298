using System;
using System.Web.Mvc;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>The Sample's error pages. Global.asax.cs runs NotFound for every unknown URL, Problem for any other error.</summary>
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

        /// <summary>
        /// Any other error (Global.asax.cs): 400 for input that ASP.NET refuses, such as "&lt;" in a form field, or a
        /// form without its anti-forgery token; 500 for the rest. The page says what the visitor can do, never what failed inside (the host's log says that).
        /// </summary>
        public ActionResult Problem(int status = 500)
        {
            Response.StatusCode = status == 400 ? 400 : 500;
            Response.TrySkipIisCustomErrors = true;
            return View(Response.StatusCode);
        }
    }
}
