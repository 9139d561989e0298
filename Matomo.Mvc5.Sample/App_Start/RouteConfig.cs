using System.Web.Mvc;
using System.Web.Routing;

namespace Matomo.Mvc5.Sample
{
    public static class RouteConfig
    {
        public static void RegisterRoutes(RouteCollection routes)
        {
            routes.IgnoreRoute("{resource}.axd/{*pathInfo}");

            routes.MapRoute("Default", "{controller}/{action}/{id}",
                new { controller = "Home", action = "Index", id = UrlParameter.Optional });

            // Everything else is a 404 (unknown controllers and actions too: see Application_Error in Global.asax.cs).
            routes.MapRoute("NotFound", "{*url}", new { controller = "Errors", action = "NotFound" });
        }
    }
}
