using System.Web.Mvc;
using System.Web.Routing;

namespace Matomo.Mvc5.Sample
{
    public static class RouteConfig
    {
        public static void RegisterRoutes(RouteCollection routes)
        {
            routes.IgnoreRoute("{resource}.axd/{*pathInfo}");

            // The embedded Matomo stand-in: /matomo-standin/, /matomo-standin/matomo.js, /matomo-standin/matomo.php, piwik.js, piwik.php,
            // js/container_<id>.js ...
            routes.MapRoute("MatomoStandinContainer", "matomo-standin/js/container_{containerId}.js",
                new { controller = "MatomoStandin", action = "Container" });
            routes.MapRoute("MatomoStandin", "matomo-standin/{action}",
                new { controller = "MatomoStandin", action = "Index" });

            routes.MapRoute("Default", "{controller}/{action}/{id}",
                new { controller = "Home", action = "Index", id = UrlParameter.Optional });

            // Everything else is a 404 (unknown controllers and actions too: see Application_Error in Global.asax.cs).
            routes.MapRoute("NotFound", "{*url}", new { controller = "Errors", action = "NotFound" });
        }
    }
}
