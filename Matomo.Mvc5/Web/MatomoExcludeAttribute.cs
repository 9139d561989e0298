using System;
using System.Web.Mvc;

namespace Matomo.Mvc5
{
    /// <summary>
    /// Excludes a controller or an action from tracking: <c>[MatomoExclude]</c>. The page's snippet is rendered
    /// commented out, with the reason (the attribute's <see cref="Reason"/>, else the controller and action) and
    /// without the user id. Child actions are not affected, and do not exclude the page that renders them.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = true, AllowMultiple = false)]
    public sealed class MatomoExcludeAttribute : ActionFilterAttribute
    {
        /// <summary>Excludes the action; the page's comment names the controller and action.</summary>
        public MatomoExcludeAttribute() { }

        /// <summary>Excludes the action; the page's comment gives <paramref name="reason"/>.</summary>
        /// <param name="reason">Why, in words for the page's source, such as <c>back office</c>.</param>
        /// <exception cref="ArgumentException">The reason is null, empty or white space.</exception>
        public MatomoExcludeAttribute(string reason)
        {
            if (string.IsNullOrWhiteSpace(reason))
                throw new ArgumentException("MatomoExcludeAttribute: reason is null, empty or white space.", nameof(reason));
            Reason = reason;
        }

        /// <summary>The reason given, or <c>null</c> for the default (the controller and action).</summary>
        public string Reason { get; }

        /// <summary>Excludes the request's page before the action runs.</summary>
        public override void OnActionExecuting(ActionExecutingContext filterContext)
        {
            if (filterContext == null) throw new ArgumentNullException(nameof(filterContext));
            if (filterContext.IsChildAction || filterContext.HttpContext == null) return;
            ActionDescriptor action = filterContext.ActionDescriptor;
            // The names come from the code (the descriptor), not from the URL.
            string reason = Reason ?? "[MatomoExclude] on " + (action == null ? "the action"
                : action.ControllerDescriptor?.ControllerName + "/" + action.ActionName);
            filterContext.HttpContext.GetMatomoPage().Exclude(reason);
        }
    }
}
