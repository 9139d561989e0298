using System;
using System.Web.Mvc;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>
    /// Written the way older code does it: custom variables through the dynamic ViewBag.
    /// A 3-tuple is (index, name, value); a 4-tuple adds the scope, "page" or "visit".
    /// </summary>
    public class LegacyController : Controller
    {
        public ActionResult Index()
        {
            // The tuples have different arities, so the array is an object[]: the helper accepts any sequence of them.
            ViewBag.matomo_vars = new object[]
            {
                Tuple.Create(1, "foo", "Sir Lancelot of Camelot"),
                Tuple.Create(2, "bar", "To seek the Holy Grail", "page"),
                Tuple.Create(3, "spam", "Blue", "visit"),
            };
            return View();
        }
    }
}
