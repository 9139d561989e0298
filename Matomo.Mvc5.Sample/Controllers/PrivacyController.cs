using System.Web.Mvc;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>The privacy page, with the first-party opt-out (@Html.MatomoOptOut()).</summary>
    public class PrivacyController : Controller
    {
        public ActionResult Index() => View();
    }
}
