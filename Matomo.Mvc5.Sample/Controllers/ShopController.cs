using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Web.Mvc;
using Matomo.Mvc5.Sample.Models;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>
    /// A small shop tracked through the typed page API: category and product views, cart updates, and the order on its
    /// confirmation page. Each action tells the request's page (<c>HttpContext.GetMatomoPage()</c>) what happened;
    /// <c>@Html.Matomo()</c> in the layout renders it.
    /// </summary>
    public class ShopController : Controller
    {
        private static readonly ConcurrentDictionary<string, ShopOrder> Orders = new ConcurrentDictionary<string, ShopOrder>();
        private static int _lastOrder = 1000;

        public ActionResult Index() => View(ShopCatalog.Categories.ToList());

        /// <summary>A category page: setEcommerceView with the category only.</summary>
        public ActionResult Category(string id)
        {
            string category = ShopCatalog.CategoryOf(id ?? "");
            if (category == null) return HttpNotFound();
            HttpContext.GetMatomoPage().SetEcommerceView(null, null, category, null);
            ViewBag.Category = category;
            return View(ShopCatalog.Products.Where(p => p.Category == category).ToList());
        }

        /// <summary>A product page: setEcommerceView with SKU, name, category and price.</summary>
        public ActionResult Product(string id)
        {
            ShopProduct product = ShopCatalog.Find(id ?? "");
            if (product == null) return HttpNotFound();
            HttpContext.GetMatomoPage().SetEcommerceView(product.Sku, product.Name, product.Category, product.Price);
            return View(product);
        }

        [HttpGet]
        public ActionResult Cart() => View(ShopCart.Read(Request));

        /// <summary>Changes a quantity, then tracks the whole cart: one addEcommerceItem per line and trackEcommerceCartUpdate.</summary>
        [HttpPost, ValidateAntiForgeryToken]
        public ActionResult Cart(string sku, int quantity = 1)
        {
            ShopProduct product = ShopCatalog.Find(sku ?? "");
            if (product == null || quantity < 0) return new HttpStatusCodeResult(400);
            ShopCart cart = ShopCart.Read(Request);
            cart.Set(product, quantity);
            cart.Write(Response);
            MatomoPage page = HttpContext.GetMatomoPage();
            foreach (ShopLine line in cart.Lines)
                page.AddEcommerceItem(line.Product.Sku, line.Product.Name, line.Product.Category, line.Product.Price, line.Quantity);
            page.TrackEcommerceCartUpdate(cart.Total);
            ViewBag.Updated = true;
            return View(cart);
        }

        [HttpGet]
        public ActionResult Checkout()
        {
            ShopCart cart = ShopCart.Read(Request);
            return cart.Lines.Count == 0 ? (ActionResult)RedirectToAction("Cart") : View(cart);
        }

        /// <summary>Places the order and goes to its confirmation page (where it is tracked).</summary>
        [HttpPost, ValidateAntiForgeryToken]
        [ActionName("Checkout")]
        public ActionResult PlaceOrder(string payment = null)
        {
            ShopCart cart = ShopCart.Read(Request);
            if (cart.Lines.Count == 0) return RedirectToAction("Cart");
            bool provider = payment == "provider";
            // Paid with the provider: keep the visitor's Matomo id with the order, for the provider's webhook.
            string visitorId = provider ? MatomoTracker.For(HttpContext).VisitorId : null;
            var order = new ShopOrder("ORDER-" + Interlocked.Increment(ref _lastOrder), cart.Lines.ToList(), visitorId, provider);
            Orders[order.Id] = order;
            cart.Lines.Clear();
            cart.Write(Response);
            return RedirectToAction("Order", new { id = order.Id });
        }

        /// <summary>The order confirmation: its items and trackEcommerceOrder (Matomo counts an order id once, however often the page is shown).</summary>
        public ActionResult Order(string id)
        {
            if (id == null || !Orders.TryGetValue(id, out ShopOrder order)) return HttpNotFound();
            if (order.PaidWithProvider) return View(order); // tracked by the provider's webhook, not by this page
            MatomoPage page = HttpContext.GetMatomoPage();
            foreach (MatomoEcommerceItem item in order.Items) page.AddEcommerceItem(item);
            page.TrackEcommerceOrder(order.Id, order.GrandTotal, order.SubTotal, tax: 0m, shipping: ShopOrder.Shipping);
            return View(order);
        }

        /// <summary>
        /// Plays the payment provider: its server calls the shop's webhook, a request of its own, without the visitor's
        /// cookies or browser. Then back to the order's page.
        /// </summary>
        [HttpPost, ValidateAntiForgeryToken]
        public ActionResult SimulatePaymentProvider(string id)
        {
            if (id == null || !Orders.ContainsKey(id)) return HttpNotFound();
            var webhook = (HttpWebRequest)WebRequest.Create(new Uri(Request.Url, Url.Action("PaymentWebhook")));
            webhook.Method = "POST";
            webhook.UserAgent = "SamplePaymentProvider/1.0";
            webhook.ContentType = "application/x-www-form-urlencoded";
            webhook.Timeout = 10000;
            byte[] body = Encoding.ASCII.GetBytes("order=" + Uri.EscapeDataString(id) + "&status=paid");
            using (Stream s = webhook.GetRequestStream()) s.Write(body, 0, body.Length);
            using (webhook.GetResponse()) { } // the Sample has no session state (no TempData): the order's page shows the outcome
            return RedirectToAction("Order", new { id });
        }

        /// <summary>
        /// The payment provider's webhook: the order is paid, so it is tracked now, server-side, on the visit of the
        /// browser that placed it (the visitor id kept with the order). This request has no cookies of the visitor.
        /// </summary>
        [HttpPost]
        public ActionResult PaymentWebhook(string order, string status)
        {
            if (order == null || status != "paid" || !Orders.TryGetValue(order, out ShopOrder paid)) return new HttpStatusCodeResult(400);
            if (paid.Confirmed) return new HttpStatusCodeResult(200); // providers retry: Matomo would count the order once anyway
            paid.Confirmed = true;
            if (paid.VisitorId != null)
            {
                MatomoTracker.ForVisitor(paid.VisitorId)
                    .SetUrl(new Uri(Request.Url, Url.Action("Order", new { id = paid.Id })).AbsoluteUri)
                    .TrackEcommerceOrder(paid.Id, paid.Items, paid.GrandTotal, paid.SubTotal, tax: 0m, shipping: ShopOrder.Shipping);
            }
            return new HttpStatusCodeResult(200);
        }
    }
}
