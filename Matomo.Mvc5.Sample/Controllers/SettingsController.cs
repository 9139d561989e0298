using System.Web.Mvc;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>The site-wide Matomo settings in effect (web.config, plus ./build.sh sample --set overrides).</summary>
    public class SettingsController : Controller
    {
        public ActionResult Index() => View(MatomoConfiguration.Current);
    }
}
