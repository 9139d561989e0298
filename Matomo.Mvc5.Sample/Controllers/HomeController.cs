using System.Web.Mvc;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>A page that does nothing special: the layout's @Html.Matomo() tracks it.</summary>
    public class HomeController : Controller
    {
        public ActionResult Index() => View();
    }
}
