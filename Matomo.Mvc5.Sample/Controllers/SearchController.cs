using System.Web.Mvc;
using Matomo.Mvc5.Sample.Models;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>Site search: the results page is tracked with trackSiteSearch (keyword, category, result count) instead of trackPageView.</summary>
    public class SearchController : Controller
    {
        public ActionResult Index(string q, string category)
        {
            string keyword = q?.Trim();
            if (string.IsNullOrEmpty(category) || ShopCatalog.CategoryOf(ShopCatalog.Slug(category)) != category) category = null;
            ViewBag.Keyword = keyword;
            ViewBag.Category = category;
            if (string.IsNullOrEmpty(keyword)) return View(); // no search: an ordinary page view
            var results = ShopCatalog.Search(keyword, category);
            HttpContext.GetMatomoPage().TrackSiteSearch(keyword, category, results.Count);
            return View(results);
        }
    }
}
