using System;
using System.Web;
using System.Web.Mvc;
using System.Web.Security;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>
    /// The back office, for members of the Administrators role. With <c>matomo:ExcludedRoles</c> = Administrators
    /// (the Sample's Web.config), staff are not tracked on any page, this one included: every page of theirs gets the
    /// commented-out snippet. <see cref="Status"/> shows the attribute form: <c>[MatomoExclude]</c>.
    /// </summary>
    public class AdminController : Controller
    {
        public const string Role = "Administrators";
        public const string StaffName = "Tim the Enchanter";

        public ActionResult Index() => User.IsInRole(Role) ? (ActionResult)View() : RedirectToAction("SignIn");

        [HttpGet]
        public ActionResult SignIn() => View();

        /// <summary>A demo staff sign-in, one button: the ticket names a staff member and carries the role (read by Filters/SampleRolesFilter).</summary>
        [HttpPost, ValidateAntiForgeryToken]
        [ActionName("SignIn")]
        public ActionResult SignInAsStaff()
        {
            var ticket = new FormsAuthenticationTicket(1, StaffName, DateTime.Now, DateTime.Now.AddMinutes(60), false, Role);
            Response.Cookies.Add(new HttpCookie(FormsAuthentication.FormsCookieName, FormsAuthentication.Encrypt(ticket)) { HttpOnly = true, Path = FormsAuthentication.FormsCookiePath });
            return RedirectToAction("Index");
        }

        /// <summary>A status page for a load balancer's health checks: never tracked, whoever asks.</summary>
        [MatomoExclude("health-check page")]
        public ActionResult Status() => View();

        /// <summary>Staff only: sends the hits Matomo rejected again (<see cref="Matomo.Mvc5.MatomoModule.ReplayRejectedHits"/>),
        /// once the setting that made Matomo refuse them (most often the token) is fixed.</summary>
        [HttpPost, ValidateAntiForgeryToken]
        public ActionResult ReplayRejected()
        {
            if (!User.IsInRole(Role)) return RedirectToAction("SignIn");
            // The Sample has no session state (so no TempData): the outcome travels as one of two fixed words.
            return RedirectToAction("Status", new { replay = Matomo.Mvc5.MatomoModule.ReplayRejectedHits() ? "asked" : "no-outbox" });
        }
    }
}
