using System.Web;
using System.Web.Mvc;
using System.Web.Routing;
using Matomo.Mvc5.Sample.Controllers;

namespace Matomo.Mvc5.Sample
{
    public class MvcApplication : System.Web.HttpApplication
    {
        protected void Application_Start()
        {
            ViewEngines.Engines.Clear();
            ViewEngines.Engines.Add(new RazorViewEngine());
            RouteConfig.RegisterRoutes(RouteTable.Routes);
            GlobalFilters.Filters.Add(new Filters.SampleRolesFilter()); // the staff sign-in's role (Back office page)
        }

        /// <summary>
        /// An unknown controller or action (MVC throws a 404 HttpException) gets the Sample's own 404 page, at the
        /// address that was asked for, with status 404: no redirect, so the page (and Matomo) see the real URL.
        /// Addresses that match no route at all reach the same page through RouteConfig's catch-all route.
        /// </summary>
        protected void Application_Error()
        {
            var error = Server.GetLastError() as HttpException;
            if (error == null || error.GetHttpCode() != 404)
            {
                // Anything else is a real failure: leave the 500 page to ASP.NET, and say what it was in the host's log.
                System.Console.Error.WriteLine("[Sample] unhandled error for " + Request.RawUrl + ": " + Server.GetLastError());
                return;
            }
            Server.ClearError();
            Response.Clear();
            var route = new RouteData();
            route.Values["controller"] = "Errors";
            route.Values["action"] = nameof(ErrorsController.NotFound);
            IController controller = new ErrorsController();
            controller.Execute(new RequestContext(new HttpContextWrapper(Context), route));
        }
    }
}
