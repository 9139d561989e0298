using System.Web.Mvc;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>
    /// Staff exclusion: shows who Matomo.Mvc5 thinks you are (the client address MatomoModule resolved through the
    /// trusted proxies) and whether that address is internal, in which case this page, like every other one, renders
    /// its snippet as an HTML comment and nothing is tracked.
    /// </summary>
    public class InternalController : Controller
    {
        public ActionResult Index() => View(HttpContext.GetMatomoClient());
    }
}
