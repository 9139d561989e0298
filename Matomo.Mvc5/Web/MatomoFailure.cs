using System;
using System.Diagnostics;
using System.Threading;
using System.Web;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Rendering;

namespace Matomo.Mvc5
{
    /// <summary>
    /// What happens when analytics fails: with <c>&lt;compilation debug="true"&gt;</c> the exception goes up as any
    /// other, so the developer sees it; in production (<c>debug="false"</c>) the page renders with an HTML comment
    /// naming the problem (never a setting's value: it may be a secret) and the full message goes to
    /// <see cref="Trace"/>, where ASP.NET tracing and every log listener see it. Analytics never takes a page down.
    /// </summary>
    internal static class MatomoFailure
    {
        /// <summary>Whether the request runs with <c>&lt;compilation debug="true"&gt;</c>.</summary>
        public static bool IsDebug(HttpContextBase context) => context != null && context.IsDebuggingEnabled;

        /// <summary>Whether <paramref name="e"/> is to be kept out of the page (production) rather than thrown (debug).</summary>
        public static bool Contain(HttpContextBase context, Exception e) =>
            !IsDebug(context) && !(e is OutOfMemoryException || e is StackOverflowException || e is ThreadAbortException);

        /// <summary>Traces <paramref name="e"/> and returns the comment that takes the snippet's place.</summary>
        public static string Report(Exception e, string where)
        {
            Trace.TraceError("Matomo.Mvc5: {0} failed, so this page is not tracked: {1}", where, e);
            return MatomoRenderer.RenderDisabledComment(Describe(e));
        }

        /// <summary>The problem in words that hold no value from the settings or the page.</summary>
        internal static string Describe(Exception e)
        {
            switch (e)
            {
                case MatomoConfigurationException c when c.Expected == "no such setting":
                    return $"the appSetting {c.Key} is not a Matomo.Mvc5 setting (see the trace)";
                case MatomoConfigurationException c:
                    return $"the appSetting {c.Key} is invalid: expected {c.Expected} (see the trace)";
                case MatomoViewDataException v:
                    return $"ViewData[\"{v.Entry}\"] is malformed (see the trace)";
                default:
                    return $"{e.GetType().Name} while rendering (see the trace)";
            }
        }

        /// <summary>Why a site whose settings are valid renders nothing: the key that is unset.</summary>
        public static string WhyDisabled(MatomoSettings settings) =>
            settings.DomainPath == null
                ? $"{MatomoSettings.Keys.DomainPath} is not set (this comment shows only with compilation debug=true)"
                : $"{MatomoSettings.Keys.SiteId} is not set, nor {MatomoSettings.Keys.ContainerId} (this comment shows only with compilation debug=true)";
    }
}
