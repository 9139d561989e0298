using System.Web.Mvc;
using System.Web.Security;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>
    /// A demo sign-in with forms authentication: any name, no password. Once signed in, User.Identity.Name is
    /// what @Html.Matomo() sends as the user id on every page (unless a page says otherwise).
    /// </summary>
    public class AccountController : Controller
    {
        [HttpGet]
        public ActionResult SignIn() => View();

        [HttpPost, ValidateAntiForgeryToken]
        public ActionResult SignIn(string userName)
        {
            if (string.IsNullOrWhiteSpace(userName))
            {
                ModelState.AddModelError("userName", "Type any name.");
                return View();
            }
            FormsAuthentication.SetAuthCookie(userName.Trim(), createPersistentCookie: false);
            return RedirectToAction("SignedIn");
        }

        /// <summary>A page that only a signed-in visitor can see.</summary>
        [Authorize]
        public ActionResult SignedIn() => View();

        [HttpPost, ValidateAntiForgeryToken]
        public ActionResult SignOut()
        {
            FormsAuthentication.SignOut();
            return RedirectToAction("Index", "Home");
        }
    }
}
