using System.Web.Mvc;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>Choosing, per page, the user id that Matomo receives.</summary>
    public class IdentityController : Controller
    {
        /// <summary>Sends "sample-visitor@example.org" as the user id, signed in or not.</summary>
        public ActionResult Override()
        {
            ViewData["matomo_identity"] = "sample-visitor@example.org";
            return View();
        }

        /// <summary>Present but null: no user id at all, not even the signed-in user's name.</summary>
        public ActionResult Disabled()
        {
            ViewData["matomo_identity"] = null;
            return View();
        }
    }
}
