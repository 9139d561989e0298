using System.Web.Mvc;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>A page that records an event along with its page view, through ViewBag.matomo_commands.</summary>
    public class EventsController : Controller
    {
        public ActionResult Index()
        {
            // trackEvent(category, action, name, value): pushed before trackPageView, sent as its own request.
            ViewBag.matomo_commands = new[]
            {
                new object[] { "trackEvent", "Video", "Play", "Intro", 1 },
            };
            return View();
        }
    }
}
