using System.Collections.Generic;
using System.Web.Mvc;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>Custom dimensions (Matomo's successor to custom variables), set per page through ViewBag.</summary>
    public class DimensionsController : Controller
    {
        public ActionResult Index()
        {
            // Dimension ids are the ones Matomo shows under Administration > Websites > Custom Dimensions.
            ViewBag.matomo_dimensions = new Dictionary<int, string>
            {
                { 1, "premium" },
                { 3, "de-CH" },
            };
            return View();
        }
    }
}
