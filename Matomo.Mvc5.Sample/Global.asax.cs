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
        /// Every error gets one of the Sample's own pages, at the address that was asked for, with its status: no
        /// redirect, so the page (and Matomo) see the real URL, and never the error's details.
        /// <list type="bullet">
        /// <item>An unknown controller or action (MVC throws a 404 HttpException): the 404 page. Addresses that match
        /// no route at all reach it through RouteConfig's catch-all route.</item>
        /// <item>Input that ASP.NET's request validation refuses (such as "&lt;" in a form field), or a form without
        /// its anti-forgery token: 400.</item>
        /// <item>Anything else: 500, and what it was goes to the host's log.</item>
        /// </list>
        /// Should rendering that page fail as well, Web.config's customErrors sends Content/error.html.
        /// </summary>
        protected void Application_Error()
        {
            var error = Server.GetLastError();
            int status = error is HttpRequestValidationException || error is HttpAntiForgeryException ? 400
                : (error as HttpException)?.GetHttpCode() ?? 500;
            if (status >= 500) System.Console.Error.WriteLine("[Sample] unhandled error for " + Request.RawUrl + ": " + error);
            Server.ClearError();
            Response.Clear();
            Response.TrySkipIisCustomErrors = true;
            var route = new RouteData();
            route.Values["controller"] = "Errors";
            if (status == 404)
            {
                route.Values["action"] = nameof(ErrorsController.NotFound);
            }
            else
            {
                route.Values["action"] = nameof(ErrorsController.Problem);
                route.Values["status"] = status;
            }
            IController controller = new ErrorsController();
            controller.Execute(new RequestContext(new HttpContextWrapper(Context), route));
        }
    }
}
