using System;
using System.Security.Cryptography;
using System.Web.Mvc;

namespace Matomo.Mvc5.Sample.Filters
{
    /// <summary>
    /// A strict Content-Security-Policy, the way a site's own CSP code does it: a fresh random nonce per request,
    /// kept in <c>HttpContext.Items[NonceItemKey]</c> for the views, and a <c>script-src 'nonce-…'</c> policy with no
    /// host allowance and no <c>'unsafe-inline'</c>: only scripts that carry the nonce run. Web.config's
    /// <c>matomo:NonceItemKey</c> names the same key, so <c>@Html.Matomo()</c> finds the nonce by itself.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
    public sealed class ContentSecurityPolicyAttribute : ActionFilterAttribute
    {
        /// <summary>Where the nonce is kept; Web.config's matomo:NonceItemKey has the same value.</summary>
        public const string NonceItemKey = "csp-nonce";

        /// <summary>
        /// False for a demonstration only: the policy is sent, but its nonce is not given to the views, so no script
        /// of the page may run.
        /// </summary>
        public bool ShareNonce { get; set; } = true;

        /// <summary>Adds default-src 'self': nothing but the site itself may be fetched or connected to (the tracker proxy's case).</summary>
        public bool SelfOnly { get; set; }

        public override void OnActionExecuting(ActionExecutingContext filterContext)
        {
            var bytes = new byte[18];
            using (var random = RandomNumberGenerator.Create()) random.GetBytes(bytes);
            string nonce = Convert.ToBase64String(bytes);
            if (ShareNonce) filterContext.HttpContext.Items[NonceItemKey] = nonce;
            filterContext.HttpContext.Response.AppendHeader("Content-Security-Policy",
                (SelfOnly ? "default-src 'self'; " : "") + "script-src 'nonce-" + nonce + "'; object-src 'none'; base-uri 'none'");
        }
    }
}
