using System.Web.Mvc;
using Matomo.Mvc5.Sample.Filters;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>Pages served under a strict Content-Security-Policy (script-src 'nonce-…' only).</summary>
    public class CspController : Controller
    {
        /// <summary>The nonce is in HttpContext.Items["csp-nonce"]: @Html.Matomo() uses it, tracking works.</summary>
        [ContentSecurityPolicy]
        public ActionResult Index() => View();

        /// <summary>The same page under default-src 'self' as well: tracking works only through the site's tracker proxy.</summary>
        [ContentSecurityPolicy(SelfOnly = true)]
        public ActionResult SelfOnly() => View("Index");

        /// <summary>The same policy, but nobody gets its nonce: the browser runs no script of the page.</summary>
        [ContentSecurityPolicy(ShareNonce = false)]
        public ActionResult WithoutNonce() => View();
    }
}
