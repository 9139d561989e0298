using System.Web.Mvc;
using Matomo.Mvc5.Sample.Filters;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>
    /// The privacy page, with the first-party opt-out (@Html.MatomoOptOut()), under a strict Content-Security-Policy:
    /// the opt-out's script runs because it carries the request's nonce, like the snippet's.
    /// </summary>
    public class PrivacyController : Controller
    {
        [ContentSecurityPolicy]
        public ActionResult Index() => View();
    }
}
