using System.Web.Mvc;
using System.Web.Routing;

namespace Matomo.Mvc5.Sample
{
    public static class RouteConfig
    {
        public static void RegisterRoutes(RouteCollection routes)
        {
            routes.IgnoreRoute("{resource}.axd/{*pathInfo}");

            // The embedded Matomo stand-in: /matomo-standin/, /matomo-standin/matomo.js, /matomo-standin/matomo.php ...
            routes.MapRoute("MatomoStandin", "matomo-standin/{action}",
                new { controller = "MatomoStandin", action = "Index" });

            routes.MapRoute("Default", "{controller}/{action}/{id}",
                new { controller = "Home", action = "Index", id = UrlParameter.Optional });
        }
    }
}
