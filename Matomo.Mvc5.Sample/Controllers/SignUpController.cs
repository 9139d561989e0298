using System.Web.Mvc;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>A newsletter sign-up whose welcome page converts goal 1 (set up "Newsletter sign-up" as goal 1 in Matomo).</summary>
    public class SignUpController : Controller
    {
        public const int NewsletterGoal = 1;

        [HttpGet]
        public ActionResult Index() => View();

        [HttpPost, ValidateAntiForgeryToken]
        public ActionResult Index(string email)
        {
            if (string.IsNullOrWhiteSpace(email) || !email.Contains("@"))
            {
                ModelState.AddModelError("email", "Type an e-mail address.");
                return View();
            }
            // A real site would store the address here. Nothing of it goes to Matomo.
            return RedirectToAction("Welcome");
        }

        public ActionResult Welcome()
        {
            MatomoPage page = HttpContext.GetMatomoPage();
            page.TrackGoal(NewsletterGoal);
            page.TrackEvent("Newsletter", "Sign-up");
            return View();
        }
    }
}
