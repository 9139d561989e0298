using System.Text;
using System.Web.Mvc;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>
    /// Server-side tracking with <see cref="MatomoTracker"/>: a download counted when the file is served (no click
    /// handler needed), and a page tracked without any JavaScript. Both continue the browser's visitor: the tracker
    /// reads Matomo's own visitor cookie.
    /// </summary>
    public class ServerSideController : Controller
    {
        public ActionResult Index() => View();

        /// <summary>Serves a file and counts its download server-side: <c>TrackDownload</c>.</summary>
        public ActionResult Download(string id)
        {
            if (id != "manual.txt") return HttpNotFound();
            MatomoTracker.For(HttpContext).TrackDownload(Request.Url.AbsoluteUri);
            return File(Encoding.UTF8.GetBytes("The Sample's manual: a file whose download Matomo counts server-side.\n"), "text/plain", id);
        }

        /// <summary>A page without the snippet, tracked by the server: <c>TrackPageView</c>.</summary>
        public ActionResult NoScript()
        {
            const string title = "A page without JavaScript";
            ViewBag.Tracked = MatomoTracker.For(HttpContext).TrackPageView(title);
            ViewBag.Title = title;
            return View();
        }
    }
}
